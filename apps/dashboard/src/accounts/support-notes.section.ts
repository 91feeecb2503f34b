import { isWriteBackVendor, WRITE_BACK_ADAPTERS } from '@forewarn/write-back';
import { absoluteTime, fullTime } from '../web/format';
import { type Html, html } from '../web/html';
import type { PageContext } from '../web/layout';
import type { SupportNote } from './support-notes.read-model';

const WHAT: Record<string, string> = { acknowledged: 'that sales is aware', briefing: 'that sales is preparing the meeting', 'heads-up': 'to update the case before the meeting' };

const vendorName = (vendor: string): string => (isWriteBackVendor(vendor) ? WRITE_BACK_ADAPTERS[vendor].name : vendor);

function outcome(n: SupportNote, ctx: PageContext): Html {
  const at = (iso: string) => html`<time datetime="${iso}" title="${fullTime(iso, ctx.timeZone)}">${absoluteTime(iso, ctx.now, ctx.timeZone)}</time>`;
  switch (n.status) {
    case 'written': return html`<span class="status-sent">support told</span> ${at(n.writtenAt ?? n.createdAt)}`;
    case 'failed': return html`<span class="status-failed">could not tell support</span>: ${n.error ?? 'refused'}`;
    case 'retrying': return html`<span class="status-retrying">telling support</span>, not taken yet${n.error ? `: ${n.error}` : ''}`;
    case 'dry_run': return html`<span class="status-pending">dry run</span>: support would have been told ${at(n.createdAt)}`;
    default: return html`<span class="status-pending">telling support</span> (asked ${at(n.createdAt)})`;
  }
}

/**
 * "Support told": the internal notes Forewarn writes back on the account's open cases (issue 17),
 * each with what became of it — "support told today 10:43", "could not tell support: 401 from
 * Zendesk". Nothing when no helpdesk of the account writes back.
 */
export function supportNotesSection(notes: SupportNote[], ctx: PageContext): Html {
  if (notes.length === 0) return html``;
  return html`<section class="card" aria-labelledby="support-told"><h2 id="support-told">Support told</h2><ul class="plain">${notes.map((n) => html`<li>
<div><strong>${n.caseId}</strong> in ${vendorName(n.vendor)} (${n.source}), ${WHAT[n.reason] ?? n.reason} — ${outcome(n, ctx)}</div>
<details><summary>The note</summary><p class="sub">${n.note.split('\n').map((line, i) => html`${i ? html`<br>` : ''}${line}`)}</p></details></li>`)}</ul></section>`;
}
