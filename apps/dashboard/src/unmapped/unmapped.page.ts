import type { UnmappedGroup } from '@forewarn/database';
import { plural, relativeTime } from '../web/format';
import { type Html, html, raw } from '../web/html';
import { layout, type PageContext } from '../web/layout';

const keyWords = (key: string): string => {
  if (key.startsWith('domain:')) return `e-mail domain ${key.slice('domain:'.length)}`;
  if (key.startsWith('external:')) return `external id ${key.slice('external:'.length)}`;
  return `account id ${key}`;
};

const CSS = `
ul.groups{list-style:none;margin:0;padding:0}
ul.groups>li{padding:14px 0;border-bottom:1px solid var(--line)}
ul.groups>li:last-child{border-bottom:0}
.map-form{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-end;margin:8px 0 0}
.map-form label{display:flex;flex-direction:column;gap:4px;font-size:14px;font-weight:600}
.map-form input{font:inherit;font-size:15px;padding:6px 8px;border:1px solid #9aa1a9;border-radius:6px;min-width:220px}
`;

function adds(group: UnmappedGroup): string {
  const { domains, externalRefs } = group.references;
  const parts = [...domains.map((d) => `the domain ${d}`), ...externalRefs.map((r) => `the id ${r.id} at ${r.source}`)];
  return parts.length ? `Mapping adds ${parts.join(' and ')} to the account.` : 'Nothing here can be mapped: the events name only an account id no account has.';
}

export function unmappedPage(groups: UnmappedGroup[], accounts: { id: string; name: string }[], ctx: PageContext, message: { text: string; error?: boolean } | null = null): Html {
  const items = groups.map((g, i) => html`<li>
  <strong>${g.name ?? keyWords(g.key)}</strong>${g.name ? html` <span class="sub">${keyWords(g.key)}</span>` : ''}
  <div class="sub">${plural(g.count, 'event')} from ${g.sources.join(', ')} · last ${relativeTime(g.lastSeen, ctx.now)} · first ${relativeTime(g.firstSeen, ctx.now)}</div>
  ${g.sampleCases.length ? html`<ul class="plain">${g.sampleCases.map((c) => html`<li>${c.title ?? c.id} <span class="sub">${c.source} ${c.id}</span></li>`)}</ul>` : ''}
  <p class="sub">${adds(g)}</p>
  ${g.references.domains.length + g.references.externalRefs.length > 0 ? html`<form class="map-form" method="post" action="/unmapped/map">
    <input type="hidden" name="group" value="${g.key}">
    <label for="account-${i}">Map ${g.name ?? keyWords(g.key)} to account<input id="account-${i}" name="accountId" list="known-accounts" required placeholder="account id, e.g. acme" autocomplete="off"></label>
    <button type="submit" class="primary">Map to account</button>
  </form>` : ''}
</li>`);
  const body = html`<h1>Unmapped events</h1>
<p class="muted">Events about customers Forewarn cannot place yet. They are kept, and count as soon as an account claims them: by its CRM (id, domain, external id) or by mapping them here. ${plural(groups.length, 'customer')} waiting.</p>
${message ? html`<p class="notice${message.error ? ' error' : ''}" role="${message.error ? 'alert' : 'status'}">${message.text}</p>` : ''}
<div class="card">${groups.length ? html`<ul class="groups">${items}</ul>` : html`<p class="muted">Every event belongs to a known account.</p>`}</div>
<datalist id="known-accounts">${accounts.map((a) => html`<option value="${a.id}">${a.name}</option>`)}</datalist>`;
  return layout('Unmapped events', ctx, body, html`<style>${raw(CSS)}</style>`);
}
