import type { AuditEntry, AuditQuery } from '@forewarn/database';
import { fullTime, when } from '../web/format';
import { type Html, html, queryString, raw } from '../web/html';
import { layout, type PageContext } from '../web/layout';

const CSS = `
.audit-filters{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-end}
.audit-filters label{display:flex;flex-direction:column;gap:4px;font-size:14px;font-weight:600}
.audit-filters input{font:inherit;padding:6px 8px;border:1px solid #9aa1a9;border-radius:6px}
.details{font-size:13px;color:var(--muted);word-break:break-word}
`;

/** A value of an entry's details in words: lists joined, objects as key: value pairs, nothing as JSON. */
function detailText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.map(detailText).join(', ') || 'none';
  if (typeof value === 'object') return Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k} ${detailText(v)}`).join('; ') || 'none';
  return String(value);
}

/** What admins did, newest first (`/admin/audit`, admins only). */
export function auditPage(entries: AuditEntry[], query: AuditQuery & { limit: number }, ctx: PageContext): Html {
  const rows = entries.map((e) => html`<tr>
  <td data-label="When"><time datetime="${e.at.toISOString()}" title="${fullTime(e.at, ctx.timeZone)}">${when(e.at.toISOString(), ctx.now, ctx.timeZone)}</time></td>
  <td data-label="Who">${e.actor}</td>
  <td data-label="What"><strong>${e.action}</strong>${e.target ? html` <span>${e.target}</span>` : ''}</td>
  <td data-label="Details" class="details">${Object.entries(e.details).map(([k, v]) => html`<div>${k}: ${detailText(v)}</div>`)}</td>
</tr>`);
  const more = entries.length === query.limit
    ? html`<p><a class="button" href="/admin/audit${queryString({ action: query.action ?? null, actor: query.actor ?? null, before: entries[entries.length - 1].id })}">Older entries →</a></p>` : '';
  const nav = html`<nav class="presets" aria-label="Admin"><a href="/admin/sources">Sources</a> · <a href="/admin/users">Users</a> · <a href="/admin/policy">Health policy</a> · <strong>Audit log</strong> · <a href="/unmapped">Unmapped events</a></nav>`;
  const body = html`${nav}<h1>Audit log</h1>
<p class="muted">What admins did — on the dashboard, the command line or by the services — newest first. Never a key, token or password.</p>
<form class="card audit-filters" method="get" action="/admin/audit" aria-label="Filter the audit log">
<label>Action<input name="action" value="${query.action ?? ''}" placeholder="user. or source.key_rotated"></label>
<label>Who<input name="actor" value="${query.actor ?? ''}" placeholder="an e-mail or cli:user@host"></label>
<div class="actions"><button class="primary" type="submit">Apply</button><a href="/admin/audit">Clear</a></div></form>
<div class="card">${entries.length
    ? html`<table class="stack"><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Details</th></tr></thead><tbody>${rows}</tbody></table>${more}`
    : html`<p class="muted">Nothing recorded${query.action || query.actor ? ' that matches' : ''}.</p>`}</div>`;
  return layout('Audit log', ctx, body, html`<style>${raw(CSS)}</style>`);
}
