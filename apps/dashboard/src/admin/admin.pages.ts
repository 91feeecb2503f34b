import { ALLOWANCES } from '@forewarn/contracts';
import { type DeliveryLogEntry, SOURCE_KINDS, type SourceListing, USER_ROLES, type UserListing } from '@forewarn/database';
import { fullTime, personName, plural, relativeTime, when } from '../web/format';
import { type Html, html, raw } from '../web/html';
import { layout, type PageContext } from '../web/layout';
import type { SourceTraffic } from './sources.read-model';

const CSS = `
.admin-nav{display:flex;flex-wrap:wrap;gap:6px 16px;margin:0 0 16px}
.admin-nav a[aria-current=page]{font-weight:700}
.secret{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:15px;background:var(--soft);padding:10px;border-radius:6px;word-break:break-all;display:block}
.inline-form{display:flex;flex-wrap:wrap;gap:6px 10px;align-items:center;margin:4px 0}
.inline-form select,.inline-form input{font:inherit;font-size:14px;padding:4px 6px;border:1px solid #9aa1a9;border-radius:6px}
.grid-form{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:12px;align-items:end}
.grid-form label{display:flex;flex-direction:column;gap:4px;font-size:14px;font-weight:600}
.grid-form input,.grid-form select{font:inherit;font-size:15px;padding:6px 8px;border:1px solid #9aa1a9;border-radius:6px}
.grid-form fieldset{border:0;padding:0;margin:0;display:flex;gap:10px;flex-wrap:wrap}
.grid-form legend{font-size:14px;font-weight:600;margin:0 0 4px}
.outcome-accepted{color:#1e7b34;font-weight:600}.outcome-ignored{color:#51585f;font-weight:600}.outcome-rejected{color:#b3261e;font-weight:600}
.status-active{color:#1e7b34;font-weight:600}.status-invited{color:#8a5a00;font-weight:600}.status-deactivated{color:#51585f;font-weight:600}
`;

const SECTIONS: [string, string][] = [['/admin/sources', 'Sources'], ['/admin/users', 'Users'], ['/admin/policy', 'Health policy'], ['/admin/audit', 'Audit log'], ['/unmapped', 'Unmapped events']];

/** An admin page: the admin sections above the page's own content. */
export function adminLayout(title: string, ctx: PageContext, body: Html, extraCss = ''): Html {
  const nav = html`<nav class="admin-nav" aria-label="Admin">${SECTIONS.map(([href, label]) => html`<a href="${href}"${ctx.path.startsWith(href) ? raw(' aria-current="page"') : ''}>${label}</a>`)}</nav>`;
  return layout(title, ctx, html`${nav}${body}`, html`<style>${raw(CSS + extraCss)}</style>`);
}

const notice = (message: string | null, error = false): Html => (message ? html`<p class="notice${error ? ' error' : ''}" role="${error ? 'alert' : 'status'}">${message}</p>` : html``);

function traffic(source: SourceListing, t: SourceTraffic | undefined, ctx: PageContext): Html {
  if (source.kind === 'events') return html`<span class="muted">CloudEvents API (not logged)</span>`;
  if (!t?.lastAt) return html`<span class="muted">no webhook delivery kept</span>`;
  const rate = t.dayTotal ? Math.round((t.dayRejected / t.dayTotal) * 100) : 0;
  return html`<time datetime="${t.lastAt}" title="${fullTime(t.lastAt, ctx.timeZone)}">${relativeTime(t.lastAt, ctx.now)}</time><div class="sub">${plural(t.dayTotal, 'delivery', 'deliveries')} in 24 h, ${rate}% refused</div>`;
}

export function sourcesPage(sources: SourceListing[], traffic_: Map<string, SourceTraffic>, ctx: PageContext, message: { text: string; error?: boolean } | null = null): Html {
  const rows = sources.map((s) => html`<tr>
  <td><strong>${s.name}</strong><div class="sub">${s.kind}${s.signed ? ' · signed' : ''}${s.hasMapping ? ' · mapped' : ''}</div></td>
  <td data-label="May send">${s.allow.join(', ')}</td>
  <td data-label="Last delivery">${traffic(s, traffic_.get(s.name), ctx)}</td>
  <td data-label="Key">${s.key.rotatedAt ? html`rotated ${relativeTime(s.key.rotatedAt, ctx.now)}` : 'never rotated'}${s.key.previousKeyValidUntil ? html`<div class="sub">old key works until ${when(s.key.previousKeyValidUntil, ctx.now, ctx.timeZone)}</div>` : ''}</td>
  <td data-label="Actions">
    <form class="inline-form" method="post" action="/admin/sources/${encodeURIComponent(s.name)}/rotate"><label>Old key works for <input name="grace" value="24h" size="5" aria-describedby="grace-hint"></label><button type="submit">Rotate key</button></form>
    <form class="inline-form" method="post" action="/admin/sources/${encodeURIComponent(s.name)}/remove"><button type="submit">Remove ${s.name}</button></form>
    <a href="/admin/sources/${encodeURIComponent(s.name)}/log">Delivery log</a>
  </td>
</tr>`);
  const body = html`<h1>Sources</h1>
<p class="muted">The support systems, CRMs and calendars that may send events, and what each may send.</p>
${message ? notice(message.text, message.error) : ''}
<div class="card">${sources.length
    ? html`<table class="stack"><thead><tr><th scope="col">Source</th><th scope="col">May send</th><th scope="col">Last delivery</th><th scope="col">Key</th><th scope="col">Actions</th></tr></thead><tbody>${rows}</tbody></table>
<p class="sub" id="grace-hint">How long the old key keeps working after a rotation: 0 (stops at once), 90s, 30m, 24h, 7d.</p>`
    : html`<p class="muted">No sources yet.</p>`}</div>
<section class="card" aria-labelledby="add"><h2 id="add">Add a source</h2>
<form class="grid-form" method="post" action="/admin/sources">
  <label>Name<input name="name" required pattern="[a-z0-9][a-z0-9._\\-]{0,99}" placeholder="zendesk-eu"></label>
  <label>Kind<select name="kind">${SOURCE_KINDS.map((k) => html`<option value="${k}">${k}</option>`)}</select></label>
  <fieldset><legend>May send (within what its kind can)</legend>${ALLOWANCES.map((a) => html`<label><input type="checkbox" name="allow" value="${a}"> ${a}</label>`)}</fieldset>
  <div><button class="primary" type="submit">Add source</button></div>
</form>
<p class="sub">Its api key is shown once, on the next page. Nothing ticked: everything its kind can send.</p></section>`;
  return adminLayout('Sources', ctx, body);
}

/** The api key of a new or rotated source, shown this once. */
export function sourceKeyPage(what: { name: string; apiKey: string; created: boolean; previousKeyValidUntil: Date | null }, ctx: PageContext): Html {
  const body = html`<h1>${what.created ? `Source ${what.name} added` : `New key for ${what.name}`}</h1>
<div class="card">
<p class="notice" role="status">Copy this api key now: it is shown only this once and cannot be read again.</p>
<label for="api-key"><strong>Api key of ${what.name}</strong></label>
<input id="api-key" class="secret" readonly value="${what.apiKey}">
${what.created ? '' : what.previousKeyValidUntil ? html`<p>The old key keeps working until ${when(what.previousKeyValidUntil.toISOString(), ctx.now, ctx.timeZone)}, then only this one.</p>` : html`<p>The old key stopped working (gateways notice within seconds).</p>`}
<p><a href="/admin/sources">Back to sources</a></p></div>`;
  return adminLayout('Api key', ctx, body);
}

export function deliveryLogPage(source: string, entries: DeliveryLogEntry[], ctx: PageContext): Html {
  const items = entries.map((e) => html`<tr>
  <td data-label="When"><time datetime="${e.at}" title="${fullTime(e.at, ctx.timeZone)}">${when(e.at, ctx.now, ctx.timeZone)}</time></td>
  <td data-label="Outcome"><span class="outcome-${e.outcome}">${e.outcome}</span> (${e.status})</td>
  <td data-label="Events">${e.events.length}</td>
  <td data-label="Why">${e.problem ? (e.problem as { detail?: string }).detail ?? '' : ''}${e.ignored.length ? html`<ul class="plain">${e.ignored.map((i) => html`<li>${i.reason}</li>`)}</ul>` : ''}${e.redeliveryOf ? html`<div class="sub">redelivery of ${e.redeliveryOf}</div>` : ''}</td>
</tr>`);
  const body = html`<h1>Delivery log of ${source}</h1>
<p class="muted">The last webhook deliveries that got past authentication, newest first: what each produced, and why anything was ignored or refused.</p>
<div class="card">${entries.length
    ? html`<table class="stack"><thead><tr><th scope="col">When</th><th scope="col">Outcome</th><th scope="col">Events</th><th scope="col">Why</th></tr></thead><tbody>${items}</tbody></table>`
    : html`<p class="muted">No deliveries kept for this source.</p>`}</div>
<p><a href="/admin/sources">Back to sources</a></p>`;
  return adminLayout(`Delivery log of ${source}`, ctx, body);
}

const STATUS_WORD: Record<UserListing['status'], string> = { active: 'active', invited: 'invited, not signed in yet', deactivated: 'deactivated' };

export function usersPage(users: UserListing[], ctx: PageContext, message: { text: string; error?: boolean } | null = null): Html {
  const roleSelect = (user: UserListing) => html`<select name="role" aria-label="Role of ${user.email}">${USER_ROLES.map((r) => html`<option value="${r}"${r === user.role ? raw(' selected') : ''}>${r}</option>`)}</select>`;
  const rows = users.map((u) => {
    const base = `/admin/users/${encodeURIComponent(u.email)}`;
    const self = u.email === ctx.user.email.toLowerCase();
    return html`<tr>
  <td><strong>${personName(u)}</strong><div class="sub">${u.email}</div></td>
  <td data-label="Status"><span class="status-${u.status}">${STATUS_WORD[u.status]}</span></td>
  <td data-label="Role and team"><form class="inline-form" method="post" action="${base}/role">${roleSelect(u)}<input name="team" value="${u.team ?? ''}" placeholder="team" aria-label="Team of ${u.email}" size="10"><button type="submit">Save</button></form></td>
  <td data-label="Actions">
    ${u.status === 'invited' ? html`<form class="inline-form" method="post" action="${base}/reinvite"><button type="submit">Invite again</button></form>` : ''}
    ${self ? html`<span class="sub">(you)</span>` : u.status === 'deactivated'
      ? html`<form class="inline-form" method="post" action="${base}/reactivate"><button type="submit">Reactivate</button></form>`
      : html`<form class="inline-form" method="post" action="${base}/deactivate"><button type="submit">Deactivate</button></form>
    <form class="inline-form" method="post" action="${base}/end-sessions"><button type="submit">End sessions</button></form>`}
  </td>
</tr>`;
  });
  const body = html`<h1>Users</h1>
<p class="muted">Who may use the dashboard, in which role and team. A rep sees their own and their team's accounts, a lead their team's, an admin all.</p>
${message ? notice(message.text, message.error) : ''}
<section class="card" aria-labelledby="invite"><h2 id="invite">Invite someone</h2>
<form class="grid-form" method="post" action="/admin/users">
  <label>E-mail<input type="email" name="email" required></label>
  <label>Name<input name="name"></label>
  <label>Role<select name="role">${USER_ROLES.map((r) => html`<option value="${r}">${r}</option>`)}</select></label>
  <label>Team<input name="team"></label>
  <div><button class="primary" type="submit">Send invitation</button></div>
</form><p class="sub">They get a link to choose their password (it works once, for 7 days).</p></section>
<div class="card"><table class="stack"><thead><tr><th scope="col">User</th><th scope="col">Status</th><th scope="col">Role and team</th><th scope="col">Actions</th></tr></thead><tbody>${rows}</tbody></table></div>`;
  return adminLayout('Users', ctx, body);
}
