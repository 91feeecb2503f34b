import type { Evidence, HealthReason } from '@forewarn/contracts';
import type { AlertView, Delivery, TeamFeedback } from '../alerts/alert.types';
import { type ChartMarker, historyChart, type HistoryPoint } from '../web/charts';
import { absoluteTime, capitalise, dateTimeFormat, duration, fullTime, meetingKindWord, personName, plural, relativeTime, severityWord, stateWord, when } from '../web/format';
import { type Html, html, raw } from '../web/html';
import { layout, type PageContext, stateLabel } from '../web/layout';
import type { AccountDetail, CaseSummary, Meeting, MeetingPerson } from './account.types';
import { nextStep, situation } from './situation';
import { supportNotesSection } from './support-notes.section';
import type { TimelineEntry } from './timeline';

const DAY_MS = 24 * 60 * 60 * 1000;
const TIMELINE_SHOWN = 15;

const CSS = `
.account-head{display:flex;flex-wrap:wrap;gap:12px 24px;align-items:center;justify-content:space-between}
.account-head h1{margin:0}
.situation{font-size:19px;font-weight:600;margin:12px 0 4px}
.next-step{margin:8px 0 0;padding:10px 14px;background:#fff8e1;border-left:4px solid #8a5a00;border-radius:4px}
.facts{display:flex;flex-wrap:wrap;gap:4px 20px;margin:12px 0 0;padding:0;list-style:none;font-size:14px;color:var(--muted)}
.facts strong{color:var(--ink);font-weight:600}
.back{display:inline-block;margin:0 0 10px;font-size:14px}
ol.reasons{list-style:none;margin:0;padding:0}
ol.reasons>li{padding:10px 0;border-bottom:1px solid var(--line)}
ol.reasons>li:last-child{border-bottom:0}
.reason-label{font-weight:600;font-size:16px}
.weight{font-variant-numeric:tabular-nums;color:#b3261e;font-weight:600;white-space:nowrap;margin-left:6px;font-size:14px}
ul.evidence{margin:6px 0 0;padding-left:18px;font-size:14px}
ul.evidence li{margin:3px 0}
blockquote{margin:4px 0;padding:2px 10px;border-left:3px solid var(--line);color:var(--ink);font-style:italic}
.signals{display:flex;flex-wrap:wrap;gap:4px}
ol.timeline{list-style:none;margin:0;padding:0}
ol.timeline li{display:grid;grid-template-columns:190px 1fr;gap:4px 16px;padding:8px 0;border-bottom:1px solid var(--line)}
ol.timeline li:last-child{border-bottom:0}
ol.timeline time{color:var(--muted);font-size:14px}
ol.timeline .what{padding-left:12px;border-left:4px solid var(--line)}
ol.timeline .bad .what{border-left-color:#b3261e}
ol.timeline .good .what{border-left-color:#1e7b34}
ul.plain{list-style:none;margin:0;padding:0}
ul.plain>li{padding:8px 0;border-bottom:1px solid var(--line)}
ul.plain>li:last-child{border-bottom:0}
.alert-head{font-weight:600}
ul.deliveries{margin:4px 0 0;padding-left:18px;font-size:14px}
form.inline{display:inline;margin:0 0 0 6px}form.inline button{font-size:13px;padding:2px 8px;min-height:0}
.warnings{list-style:none;margin:12px 0 0;padding:8px 12px;background:#fff8e1;border-left:4px solid #8a5a00;border-radius:4px}
.warnings li{margin:2px 0}
.status-sent{color:#1e7b34;font-weight:600}.status-failed{color:#b3261e;font-weight:600}.status-retrying{color:#b34700;font-weight:600}.status-pending{color:#51585f;font-weight:600}.status-superseded{color:#51585f}
ul.feedback{list-style:none;margin:0 0 10px;padding:8px 12px;background:#eff8f1;border-left:4px solid #1e7b34;border-radius:4px}
ul.feedback li{margin:2px 0}
details summary{cursor:pointer;color:var(--link);margin:10px 0 0}
@media (max-width:720px){ol.timeline li{grid-template-columns:1fr}}
`;

/** Reasons whose evidence time is when something happened; for the others it is since when the case is open. */
// Evidence whose `since` is when something was said or fixed, not when a case opened.
const EVENT_TIMED = new Set(['rejected_resolution', 'poor_surveys', 'negative_comments', 'recently_resolved']);

function evidenceItem(reason: HealthReason, e: Evidence, ctx: PageContext): Html {
  // The label usually names the case already; then the evidence links it by its id only.
  const named = !!e.title && reason.label.includes(e.title);
  const text = named ? e.caseId : `${e.title ?? e.caseId}`;
  const caseRef = e.caseId
    ? html`${e.url ? html`<a href="${e.url}" rel="noopener noreferrer" target="_blank">${text}</a>` : html`<span>${text}</span>`}${named ? '' : html` <span class="sub">${e.caseId}</span>`}`
    : '';
  const time = e.since
    ? html`<time datetime="${e.since}" title="${fullTime(e.since, ctx.timeZone)}">${EVENT_TIMED.has(reason.code) ? relativeTime(e.since, ctx.now) : `open for ${duration(ctx.now.getTime() - Date.parse(e.since))}`}</time>`
    : null;
  const bits = [e.detail ? html`${e.detail}` : null, e.who ? html`${e.who}` : null, time].filter((b): b is Html => b !== null);
  return html`<li>${caseRef}${bits.length ? html`${caseRef ? ' · ' : ''}${bits.map((b, i) => html`${i ? ' · ' : ''}${b}`)}` : ''}${e.quote && !reason.label.includes(e.quote) ? html`<blockquote>“${e.quote}”</blockquote>` : ''}</li>`;
}

function reasonsSection(reasons: HealthReason[], ctx: PageContext): Html {
  const body = reasons.length
    ? html`<ol class="reasons">${reasons.map((r) => html`<li><span class="reason-label">${r.label}</span><span class="weight" title="points off the score">−${r.weight}</span>
  ${r.evidence.length ? html`<ul class="evidence">${r.evidence.slice(0, 8).map((e) => evidenceItem(r, e, ctx))}</ul>` : ''}</li>`)}</ol>`
    : html`<p class="muted">Nothing is wrong: no serious open cases, escalations or unhappy customers.</p>`;
  return html`<section class="card" id="section-why" data-live-region aria-labelledby="why"><h2 id="why">Why</h2>${body}</section>`;
}

function caseSignals(c: CaseSummary): Html {
  const pills = [
    c.escalationLevel > 0 ? html`<span class="pill bad">escalated, level ${c.escalationLevel}</span>` : null,
    c.rejections > 0 ? html`<span class="pill bad">resolution rejected${c.rejections > 1 ? ` ${c.rejections}×` : ''}</span>` : null,
    c.handoffs > 0 ? html`<span class="pill${c.handoffs >= 3 ? ' bad' : ''}">handed over ${c.handoffs}×</span>` : null,
    c.slaBreaches > 0 ? html`<span class="pill bad">SLA breached</span>` : null,
    c.reopenCount > 0 ? html`<span class="pill bad">reopened${c.reopenCount > 1 ? ` ${c.reopenCount}×` : ''}</span>` : null,
  ].filter(Boolean);
  return html`<div class="signals">${pills}</div>`;
}

const STATUS_WORD: Record<string, string> = { new: 'new', open: 'open', pending: 'waiting for customer', on_hold: 'on hold', solved: 'solved', closed: 'closed' };

function caseTitle(c: CaseSummary): Html {
  const title = c.title ?? `Case ${c.id}`;
  return html`${c.url ? html`<a href="${c.url}" rel="noopener noreferrer" target="_blank"><strong>${title}</strong></a>` : html`<strong>${title}</strong>`}<div class="sub">${c.id}${c.product ? ` · ${c.product}` : ''}</div>`;
}

function casesSection(cases: CaseSummary[], ctx: PageContext): Html {
  const open = cases.filter((c) => c.isOpen);
  const closed = cases.filter((c) => !c.isOpen);
  const openTable = open.length
    ? html`<table class="stack"><thead><tr><th scope="col">Case</th><th scope="col">Severity</th><th scope="col">Status</th><th scope="col">Open for</th><th scope="col">Last update</th><th scope="col">Support owner</th><th scope="col">Signals</th></tr></thead><tbody>
${open.map((c) => html`<tr><td>${caseTitle(c)}</td><td data-label="Severity">${severityWord(c.severity)}</td><td data-label="Status">${STATUS_WORD[c.status] ?? c.status}</td>
<td data-label="Open for">${c.openedAt ? html`<time datetime="${c.openedAt}" title="${fullTime(c.openedAt, ctx.timeZone)}">${duration(ctx.now.getTime() - Date.parse(c.openedAt))}</time>` : '—'}</td>
<td data-label="Last update">${c.lastActivityAt ? html`<time datetime="${c.lastActivityAt}" title="${fullTime(c.lastActivityAt, ctx.timeZone)}">${relativeTime(c.lastActivityAt, ctx.now)}</time>` : '—'}</td>
<td data-label="Support owner">${c.assignee ?? html`<span class="muted">nobody</span>`}</td><td>${caseSignals(c)}</td></tr>`)}
</tbody></table>`
    : html`<p class="muted">No open cases.</p>`;
  const closedList = closed.length
    ? html`<details><summary>Recently closed (${closed.length})</summary><ul class="plain">${closed.map((c) => html`<li>${caseTitle(c)}<div class="sub">${STATUS_WORD[c.status] ?? c.status}${c.resolvedAt ? html` ${relativeTime(c.resolvedAt, ctx.now)}` : ''}${c.assignee ? ` · ${c.assignee}` : ''}</div></li>`)}</ul></details>`
    : '';
  return html`<section class="card" id="section-open" data-live-region aria-labelledby="open"><h2 id="open">What is open</h2>${openTable}${closedList}</section>`;
}

function timelineItem(e: TimelineEntry, ctx: PageContext): Html {
  const about = e.caseId ? html`<div class="sub">${e.caseTitle ? `${e.caseTitle} · ` : ''}${e.caseId}${e.who ? ` · ${e.who}` : ''}</div>` : e.who ? html`<div class="sub">${e.who}</div>` : '';
  return html`<li class="${e.tone}"><time datetime="${e.at}" title="${fullTime(e.at, ctx.timeZone)}">${absoluteTime(e.at, ctx.now, ctx.timeZone)}</time><div class="what">${e.sentence}${about}</div></li>`;
}

function timelineSection(timeline: TimelineEntry[], ctx: PageContext): Html {
  const shown = timeline.slice(0, TIMELINE_SHOWN);
  const more = timeline.slice(TIMELINE_SHOWN);
  const body = timeline.length
    ? html`<ol class="timeline">${shown.map((e) => timelineItem(e, ctx))}</ol>${more.length ? html`<details><summary>${plural(more.length, 'older event')}</summary><ol class="timeline">${more.map((e) => timelineItem(e, ctx))}</ol></details>` : ''}`
    : html`<p class="muted">Nothing has happened yet.</p>`;
  return html`<section class="card" id="section-happened" data-live-region aria-labelledby="happened"><h2 id="happened">What happened</h2>${body}</section>`;
}

const samePerson = (a: MeetingPerson | null, b: MeetingPerson): boolean => !!a?.email && a.email.trim().toLowerCase() === b.email?.trim().toLowerCase();

/** "Dana Lee (dana@acme.com)": the customer's people with their addresses, which Forewarn shows and never mails. */
const withAddress = (p: MeetingPerson): string => (p.name && p.email ? `${p.name} (${p.email})` : (p.email ?? p.name ?? ''));

function meetingItem(m: Meeting, ctx: PageContext): Html {
  const attendees = m.attendees.length ? ` · ${plural(m.attendees.length, 'attendee')}` : '';
  const organizerIsCustomer = m.customerPeople.some((p) => samePerson(m.organizer, p));
  const organizer = m.organizer ? ` · organised by ${personName(m.organizer)}${organizerIsCustomer ? ' (the customer’s)' : ''}` : '';
  return html`<li><strong>${m.title ?? capitalise(meetingKindWord(m.kind))}</strong>${m.cancelled ? html` <span class="pill">cancelled</span>` : ''}
<div><time datetime="${m.startsAt}" title="${fullTime(m.startsAt, ctx.timeZone)}">${when(m.startsAt, ctx.now, ctx.timeZone)}</time></div>
<div class="sub">${capitalise(meetingKindWord(m.kind))}${organizer}${attendees}</div>
${m.customerPeople.length ? html`<div class="sub customer-people">The customer’s people: ${m.customerPeople.map(withAddress).join(', ')} — not mailed by Forewarn</div>` : ''}</li>`;
}

function meetingsSection(meetings: Meeting[], ctx: PageContext): Html {
  const upcoming = meetings.filter((m) => m.upcoming && !m.cancelled);
  const other = meetings.filter((m) => !(m.upcoming && !m.cancelled));
  return html`<section class="card" id="section-coming" data-live-region aria-labelledby="coming"><h2 id="coming">What is coming</h2>
${upcoming.length ? html`<ul class="plain">${upcoming.map((m) => meetingItem(m, ctx))}</ul>` : html`<p class="muted">No meetings scheduled.</p>`}
${other.length ? html`<details><summary>Past and cancelled (${other.length})</summary><ul class="plain">${other.map((m) => meetingItem(m, ctx))}</ul></details>` : ''}</section>`;
}

const KIND_WORD: Record<string, string> = { 'heads-up': 'Heads-up', briefing: 'Briefing', 'all-clear': 'All-clear', digest: 'Digest' };
const ROLE_WORD: Record<string, string> = { owner: 'owner', lead: 'lead', member: 'account team', organizer: 'meeting organiser' };

/** A mail that went out, failed or was held back can be sent again; one still on its way cannot. */
const RESENDABLE = new Set(['sent', 'failed', 'suppressed']);

function resendLine(d: Delivery, ctx: PageContext): Html {
  const r = d.resends;
  if (r.count === 0 || !r.lastRequestedAt) return html``;
  const sent = r.lastSentAt ? html`, sent <time datetime="${r.lastSentAt}" title="${fullTime(r.lastSentAt, ctx.timeZone)}">${relativeTime(r.lastSentAt, ctx.now)}</time>` : html`, on its way`;
  return html` · resent ${r.count === 1 ? 'once' : `${r.count} times`}, last asked by ${r.lastRequestedBy ?? 'someone'} <time datetime="${r.lastRequestedAt}" title="${fullTime(r.lastRequestedAt, ctx.timeZone)}">${relativeTime(r.lastRequestedAt, ctx.now)}</time>${sent}`;
}

function resendForm(accountId: string, d: Delivery): Html {
  if (!RESENDABLE.has(d.status)) return html``;
  return html` <form method="post" action="/accounts/${encodeURIComponent(accountId)}/resend" class="inline"><input type="hidden" name="notificationId" value="${d.id}"><button type="submit" aria-label="Resend to ${d.recipientName ?? d.recipient}">Resend</button></form>`;
}

function deliveryLine(accountId: string, d: Delivery, ctx: PageContext): Html {
  const who = html`${d.recipientName ?? d.recipient}${d.role ? ` (${ROLE_WORD[d.role] ?? d.role})` : ''}`;
  const status = (() => {
    switch (d.status) {
      case 'sent': return html`<span class="status-sent">sent</span>${d.sentAt ? html` <time datetime="${d.sentAt}" title="${fullTime(d.sentAt, ctx.timeZone)}">${relativeTime(d.sentAt, ctx.now)}</time>` : ''}`;
      case 'failed': return html`<span class="status-failed">not delivered</span>${d.lastError ? `: ${d.lastError}` : ''}`;
      case 'retrying': return html`<span class="status-retrying">retrying</span> after ${plural(d.attempts, 'attempt')}${d.lastError ? `: ${d.lastError}` : ''}`;
      case 'superseded': return html`<span class="status-superseded">folded into a later mail</span>`;
      case 'suppressed': return html`<span class="status-superseded">held back</span>${d.note ? `: ${d.note}` : ''}`;
      case 'dropped': return html`<span class="status-failed">not mailed</span>${d.note ? `: ${d.note}` : ''}`;
      default: return html`<span class="status-pending">waiting to be sent</span>`;
    }
  })();
  return html`<li>${who} — ${status}${resendLine(d, ctx)}${resendForm(accountId, d)}</li>`;
}

const VIA_WORD: Record<string, string> = { email: 'from the e-mail', dashboard: 'on the dashboard' };

function feedbackLines(feedback: TeamFeedback, ctx: PageContext): Html {
  const ack = feedback.acknowledgement;
  const lines = [
    ack ? html`<li><strong>Acknowledged</strong> by ${personName(ack.by)} ${VIA_WORD[ack.via] ?? ''} <time datetime="${ack.at}" title="${fullTime(ack.at, ctx.timeZone)}">${relativeTime(ack.at, ctx.now)}</time>, at ${stateWord(ack.state)}: no repeats unless it gets worse.</li>` : null,
    ...feedback.snoozes.map((z) => html`<li><strong>Snoozed</strong> for ${z.email} until <time datetime="${z.until}">${when(z.until, ctx.now, ctx.timeZone)}</time> (a louder state than ${stateWord(z.state)} still gets through).</li>`),
  ].filter(Boolean);
  return lines.length ? html`<ul class="feedback">${lines}</ul>` : html``;
}

const DONE_NOTICE: Record<string, string> = {
  acknowledged: 'Acknowledged. Your team sees that you are on it; no repeats unless it gets worse.',
  snoozed: 'Snoozed for you for 24 hours, unless it gets worse.',
  'already-acknowledged': 'Someone had acknowledged it already (see below); nothing new was sent to your team.',
  resent: 'Sent again. The first delivery time stays; the resend is listed beside it.',
  'resend-waiting': 'That mail is still on its way; there is nothing to resend yet.',
};

/** Acknowledge (for the team) and snooze (for me) the latest alert, without leaving the page. */
function alertActions(accountId: string, alerts: AlertView[], done: string | null): Html {
  const latest = alerts.find((a) => a.kind !== 'all-clear' && a.kind !== 'digest');
  const notice = done && DONE_NOTICE[done] ? html`<p class="notice" role="status">${DONE_NOTICE[done]}</p>` : html``;
  if (!latest || latest.state === 'healthy') return notice;
  const base = `/accounts/${encodeURIComponent(accountId)}`;
  return html`${notice}<div class="actions">
<form method="post" action="${base}/acknowledge"><input type="hidden" name="alertId" value="${latest.id}"><button type="submit" class="primary">Acknowledge</button></form>
<form method="post" action="${base}/snooze"><input type="hidden" name="hours" value="24"><button type="submit">Snooze 24 h for me</button></form>
</div>`;
}

function alertsSection(accountId: string, alerts: AlertView[], feedback: TeamFeedback, ctx: PageContext, done: string | null): Html {
  const body = alerts.length
    ? html`<ul class="plain">${alerts.map((a) => html`<li><div class="alert-head">${KIND_WORD[a.kind] ?? a.kind}: ${a.previousState ? `${stateWord(a.previousState)} → ` : ''}${stateLabel(a.state, a.score)}</div>
<div class="sub"><time datetime="${a.createdAt}" title="${fullTime(a.createdAt, ctx.timeZone)}">${when(a.createdAt, ctx.now, ctx.timeZone)}</time>${a.headline ? ` · ${a.headline}` : ''}</div>
${a.deliveries.length ? html`<ul class="deliveries">${a.deliveries.map((d) => deliveryLine(accountId, d, ctx))}</ul>` : html`<div class="sub">Not mailed yet.</div>`}</li>`)}</ul>`
    : html`<p class="muted">Nobody has been alerted about this account.</p>`;
  return html`<section class="card" id="section-told" data-live-region aria-labelledby="told"><h2 id="told">Who was told</h2>${alertActions(accountId, alerts, done)}${feedbackLines(feedback, ctx)}${body}</section>`;
}

/**
 * Where the chart starts: the period's start, or — when the account's history began inside the
 * period — a little before its first change, so a short history is spread over the width instead of
 * squeezed against "now" (a flat line and one drop at the edge says little).
 */
export function chartStart(history: readonly { at: string }[], now: Date, historyDays: number): { from: Date; zoomed: boolean } {
  const periodStart = now.getTime() - historyDays * DAY_MS;
  const first = history.length ? Date.parse(history[0].at) : null;
  if (first === null || first <= periodStart) return { from: new Date(periodStart), zoomed: false };
  const lead = Math.max(DAY_MS, (now.getTime() - first) * 0.25);
  const from = Math.max(periodStart, first - lead);
  return { from: new Date(from), zoomed: from > periodStart };
}

function historySection(detail: AccountDetail, ctx: PageContext, historyDays: number): Html {
  const { from, zoomed } = chartStart(detail.history, ctx.now, historyDays);
  const points: HistoryPoint[] = detail.history.length && Date.parse(detail.history[0].at) <= from.getTime()
    ? detail.history
    : [{ at: from, score: 100, state: 'healthy' }, ...detail.history];
  const tail = [...detail.history].reverse().slice(0, 8);
  const markers: ChartMarker[] = [
    ...detail.timeline.filter((e) => e.type === 'forewarn.case.escalated').map((e) => ({ at: e.at, kind: 'escalation' as const, label: `${e.sentence}${e.caseTitle ? ` (${e.caseTitle})` : ''}` })),
    ...detail.meetings.filter((m) => !m.cancelled && !m.upcoming).map((m) => ({ at: m.startsAt, kind: 'meeting' as const, label: `${capitalise(meetingKindWord(m.kind))}${m.title ? `: ${m.title}` : ''}` })),
    ...detail.alerts.filter((a) => a.kind !== 'digest').map((a) => ({ at: a.createdAt, kind: 'alert' as const, label: `${KIND_WORD[a.kind] ?? a.kind} alert: ${stateWord(a.state)} ${a.score}/100` })),
  ];
  const periods = [30, 90].map((days) => days === historyDays
    ? html`<strong aria-current="true">${days} days</strong>`
    : html`<a href="/accounts/${encodeURIComponent(detail.account.id)}${days === 30 ? '' : `?days=${days}`}#how">${days} days</a>`);
  return html`<section class="card" id="section-how" data-live-region aria-labelledby="how"><h2 id="how">How it got here</h2>
<p class="sub">Over the last ${periods[0]} · ${periods[1]}${zoomed ? html` — nothing changed before ${absoluteTime(from, ctx.now, ctx.timeZone).replace(/ \d\d:\d\d$/, '')}, so the chart starts there` : ''}</p>
${historyChart(points, from, ctx.now, { from: absoluteTime(from, ctx.now, ctx.timeZone).replace(/ \d\d:\d\d$/, ''), to: 'now' }, markers)}
${tail.length ? html`<details><summary>Score changes</summary><ul class="plain">${tail.map((h) => html`<li><time datetime="${h.at}">${when(h.at, ctx.now, ctx.timeZone)}</time> — ${stateLabel(h.state, h.score)}</li>`)}</ul></details>` : html`<p class="muted">The score has not changed in the last ${historyDays} days.</p>`}</section>`;
}

/** "15 Dec 2026 (in 20 days)" for a renewal date (a calendar day, so no time zone). */
function renewal(date: string, now: Date): string {
  const day = new Date(`${date.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(day.getTime())) return date;
  const text = dateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' }).format(day);
  const days = Math.round((day.getTime() - Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())) / DAY_MS);
  return `${text} (${days === 0 ? 'today' : days > 0 ? `in ${plural(days, 'day')}` : `${plural(-days, 'day')} ago`})`;
}

function facts(detail: AccountDetail, now: Date): Html {
  const a = detail.account;
  const items: [string, string | null][] = [
    ['Owner', personName(a.owner)],
    ['Lead', a.lead ? personName(a.lead) : null],
    ['Team', a.team],
    ['Tier', a.tier],
    ['ARR', a.arr !== null ? new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(a.arr) : null],
    ['Renewal', a.renewalDate ? renewal(a.renewalDate, now) : null],
    ['Account team', a.members.length ? a.members.map((m) => personName(m)).join(', ') : null],
  ];
  return html`<ul class="facts">${items.filter(([, v]) => v).map(([k, v]) => html`<li>${k} <strong>${v}</strong></li>`)}</ul>`;
}

export function accountPage(detail: AccountDetail, ctx: PageContext, historyDays: number, done: string | null = null): Html {
  const { health } = detail;
  const upcoming = detail.meetings.find((m) => m.upcoming && !m.cancelled) ?? null;
  const step = nextStep(health.state, detail.cases, upcoming, ctx.now, ctx.timeZone);
  const body = html`<a class="back" href="/">← All accounts</a>
<section class="card" id="section-name" data-live-region aria-labelledby="name">
  <div class="account-head"><h1 id="name">${detail.account.name}</h1>${stateLabel(health.state, health.score, { big: true, riskPoints: health.riskPoints })}</div>
  <p class="situation">${situation(health.state, upcoming, ctx.now, ctx.timeZone)}</p>
  ${step ? html`<p class="next-step"><strong>Next step:</strong> ${step}</p>` : ''}
  ${facts(detail, ctx.now)}
  ${detail.warnings.length ? html`<ul class="warnings" role="alert">${detail.warnings.map((w) => html`<li>${w}</li>`)}</ul>` : ''}
  ${health.updatedAt ? html`<p class="sub">Score updated <time datetime="${health.updatedAt}" title="${fullTime(health.updatedAt, ctx.timeZone)}">${relativeTime(health.updatedAt, ctx.now)}</time>.</p>` : ''}
</section>
${reasonsSection(health.reasons, ctx)}
${casesSection(detail.cases, ctx)}
${timelineSection(detail.timeline, ctx)}
${meetingsSection(detail.meetings, ctx)}
${alertsSection(detail.account.id, detail.alerts, detail.feedback, ctx, done)}
${supportNotesSection(detail.supportNotes, ctx)}
${historySection(detail, ctx, historyDays)}`;
  return layout(detail.account.name, ctx, body, html`<style>${raw(CSS)}</style>`, { account: detail.account.id });
}
