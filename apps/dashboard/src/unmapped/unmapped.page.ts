import { plural, relativeTime } from '../web/format';
import { type Html, html } from '../web/html';
import { layout, type PageContext } from '../web/layout';
import type { UnmappedGroup } from './unmapped.read-model';

const keyWords = (key: string): string => {
  if (key.startsWith('domain:')) return `e-mail domain ${key.slice('domain:'.length)}`;
  if (key.startsWith('external:')) return `external id ${key.slice('external:'.length)}`;
  return `account id ${key}`;
};

export function unmappedPage(groups: UnmappedGroup[], ctx: PageContext): Html {
  const rows = groups.map((g) => html`<tr>
  <td><strong>${g.name ?? keyWords(g.key)}</strong>${g.name ? html`<div class="sub">${keyWords(g.key)}</div>` : ''}</td>
  <td data-label="Events" class="num">${g.count}</td>
  <td data-label="Last seen">${relativeTime(g.lastSeen, ctx.now)}</td>
  <td data-label="First seen">${relativeTime(g.firstSeen, ctx.now)}</td>
  <td data-label="Kinds">${g.types.map((t) => t.replace(/^forewarn\./, '').replace(/[._]/g, ' ')).join(', ')}</td>
</tr>`);
  const body = html`<h1>Unmapped events</h1>
<p class="muted">Events about customers the CRM has not sent yet. They are kept and count as soon as a matching account arrives (by id, domain or external id). ${plural(groups.length, 'customer')} waiting.</p>
<div class="card">${groups.length
    ? html`<table class="stack"><thead><tr><th scope="col">Customer</th><th scope="col">Events</th><th scope="col">Last seen</th><th scope="col">First seen</th><th scope="col">Kinds</th></tr></thead><tbody>${rows}</tbody></table>`
    : html`<p class="muted">Every event belongs to a known account.</p>`}</div>`;
  return layout('Unmapped events', ctx, body);
}
