import { ALERT_KINDS, HEALTH_STATES } from '@forewarn/contracts';
import { fullTime, personName, plural, relativeTime, STATE_WORD, stateWord, when } from '../web/format';
import { type Html, html, raw } from '../web/html';
import { layout, type PageContext, stateLabel } from '../web/layout';
import type { AlertView, Delivery } from './alert.types';
import type { AlertFilters } from './alerts.read-model';

const KIND_WORD: Record<string, string> = { 'heads-up': 'Heads-up', briefing: 'Briefing', 'all-clear': 'All-clear', digest: 'Digest' };
const ROLE_WORD: Record<string, string> = { owner: 'owner', lead: 'lead', member: 'account team', organizer: 'meeting organiser' };
const VIA_WORD: Record<string, string> = { email: 'from the e-mail', dashboard: 'on the dashboard' };

/** A delivery's outcome in words, never by colour alone. */
export function deliveryOutcome(d: Delivery, ctx: PageContext): Html {
  switch (d.status) {
    case 'sent': return html`<span class="status-sent">sent</span>${d.sentAt ? html` <time datetime="${d.sentAt}" title="${fullTime(d.sentAt, ctx.timeZone)}">${relativeTime(d.sentAt, ctx.now)}</time>` : ''}${d.resends.count ? ` · sent again ${plural(d.resends.count, 'time')}` : ''}`;
    case 'failed': return html`<span class="status-failed">not delivered</span>${d.lastError ? `: ${d.lastError}` : ''}`;
    case 'retrying': return html`<span class="status-retrying">retrying</span> after ${plural(d.attempts, 'attempt')}`;
    case 'superseded': return html`<span class="status-superseded">folded into a later mail</span>`;
    case 'suppressed': return html`<span class="status-superseded">held back</span>${d.note ? `: ${d.note}` : ''}`;
    case 'dropped': return html`<span class="status-failed">not mailed</span>${d.note ? `: ${d.note}` : ''}`;
    default: return html`<span class="status-pending">waiting to be sent</span>`;
  }
}

const CSS = `
.alert-filters{display:flex;flex-wrap:wrap;gap:12px 18px;align-items:flex-end}
.alert-filters fieldset{border:0;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px 12px}
.alert-filters legend{font-size:13px;color:var(--muted);padding:0;margin:0 0 4px}
.alert-filters label{display:inline-flex;gap:6px;align-items:center}
.alert-filters select{font:inherit;padding:6px 8px;border:1px solid #9aa1a9;border-radius:6px}
ul.alert-log{list-style:none;margin:0;padding:0}
ul.alert-log>li{padding:12px 0;border-bottom:1px solid var(--line)}
ul.alert-log>li:last-child{border-bottom:0}
.alert-title{font-weight:600;font-size:16px}
.ack{font-size:14px}
.ack.no{color:#8e1f18;font-weight:600}
ul.deliveries{margin:4px 0 0;padding-left:18px;font-size:14px}
.status-sent{color:#1e7b34;font-weight:600}.status-failed{color:#b3261e;font-weight:600}.status-retrying{color:#b34700;font-weight:600}.status-pending{color:#51585f;font-weight:600}.status-superseded{color:#51585f}
`;

export interface AlertLogModel {
  alerts: AlertView[];
  filters: Required<Pick<AlertFilters, 'kinds' | 'states' | 'acknowledged'>> & { limit: number };
}

function filterForm(filters: AlertLogModel['filters']): Html {
  const check = (name: string, value: string, label: string, on: boolean) =>
    html`<label><input type="checkbox" name="${name}" value="${value}"${on ? raw(' checked') : ''}>${label}</label>`;
  const ack = filters.acknowledged === null ? '' : filters.acknowledged ? 'yes' : 'no';
  return html`<form class="card alert-filters" method="get" action="/alerts" aria-label="Filter alerts">
<fieldset><legend>Kind</legend>${ALERT_KINDS.map((k) => check('kind', k, KIND_WORD[k], filters.kinds.includes(k)))}</fieldset>
<fieldset><legend>State</legend>${[...HEALTH_STATES].reverse().map((s) => html`<span class="s-${s}">${check('state', s, STATE_WORD[s], filters.states.includes(s))}</span>`)}</fieldset>
<label>Acknowledged <select name="acknowledged"><option value=""${ack === '' ? raw(' selected') : ''}>either</option><option value="no"${ack === 'no' ? raw(' selected') : ''}>not yet</option><option value="yes"${ack === 'yes' ? raw(' selected') : ''}>yes</option></select></label>
<div class="actions"><button class="primary" type="submit">Apply</button><a href="/alerts">Clear</a></div>
</form>`;
}

function alertItem(a: AlertView, ctx: PageContext): Html {
  const ack = a.acknowledged
    ? html`<span class="ack">Acknowledged by ${personName(a.acknowledged.by)} ${VIA_WORD[a.acknowledged.via] ?? ''} <time datetime="${a.acknowledged.at}" title="${fullTime(a.acknowledged.at, ctx.timeZone)}">${relativeTime(a.acknowledged.at, ctx.now)}</time></span>`
    : a.kind === 'all-clear' || a.kind === 'digest' ? '' : html`<span class="ack no">Not acknowledged</span>`;
  const deliveries = a.deliveries.length
    ? html`<ul class="deliveries" aria-label="Who was told">${a.deliveries.map((d) => html`<li>${d.recipientName ?? d.recipient}${d.role ? ` (${ROLE_WORD[d.role] ?? d.role})` : ''} — ${deliveryOutcome(d, ctx)}</li>`)}</ul>`
    : html`<div class="sub">Not mailed yet.</div>`;
  return html`<li data-id="${a.id}">
<div class="alert-title"><a href="/accounts/${encodeURIComponent(a.accountId)}">${a.accountName}</a> — ${KIND_WORD[a.kind] ?? a.kind}: ${a.previousState ? `${stateWord(a.previousState)} → ` : ''}${stateLabel(a.state, a.score)}</div>
<div class="sub"><time datetime="${a.createdAt}" title="${fullTime(a.createdAt, ctx.timeZone)}">${when(a.createdAt, ctx.now, ctx.timeZone)}</time>${a.headline ? ` · ${a.headline}` : ''}</div>
${ack}${deliveries}</li>`;
}

/** Every alert the reader may see, newest first, filtered by kind, state and acknowledgement, with each recipient's delivery. */
export function alertLogPage(model: AlertLogModel, ctx: PageContext): Html {
  const filtered = model.filters.kinds.length + model.filters.states.length > 0 || model.filters.acknowledged !== null;
  const body = html`<h1>Alerts</h1>
<p class="muted">Every alert about the accounts you can see, newest first, and what became of each mail.</p>
${filterForm(model.filters)}
<div class="card" id="alert-list" data-live-region>
<p class="sub">${model.alerts.length >= model.filters.limit ? `The newest ${model.alerts.length} alerts` : plural(model.alerts.length, 'alert')}${filtered ? ' that match' : ''}.</p>
${model.alerts.length ? html`<ul class="alert-log">${model.alerts.map((a) => alertItem(a, ctx))}</ul>` : html`<p class="muted">${filtered ? 'No alert matches these filters.' : 'No alerts yet.'}</p>`}
</div>`;
  return layout('Alerts', ctx, body, html`<style>${raw(CSS)}</style>`, 'all');
}
