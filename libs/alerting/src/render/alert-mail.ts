import type { AlertCase, AlertRaised } from '@forewarn/contracts';
import type { Recipient } from '../recipients';
import { duration, durationSince, escapeHtml, meetingTime, relativeTime, STATE_COLOUR, STATE_WORD, stateTitle, validTimeZone } from './format';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** Links a mail carries besides the account page; filled in once acknowledgements and snoozes exist. */
export interface MailActions {
  acknowledge?: string;
  snooze?: { label: string; url: string }[];
  preferences?: string;
}

export interface RenderInput {
  alert: AlertRaised;
  recipient: Recipient;
  publicUrl: string;
  now: Date;
  actions?: MailActions;
}

type Alert = AlertRaised['data'];
type Meeting = NonNullable<Alert['nextMeeting']>;

const HOUR = 3_600_000;
/** A meeting this close makes the subject mention it. */
const MEETING_IN_SUBJECT_WITHIN = 72 * HOUR;

const MEETING_WORD: Record<string, string> = { proposal: 'proposal', qbr: 'QBR', renewal: 'renewal', demo: 'demo' };
const meetingWord = (m: Meeting): string => MEETING_WORD[m.kind ?? ''] ?? 'meeting';

function nearMeeting(alert: Alert, now: Date): Meeting | null {
  const m = alert.nextMeeting;
  if (!m) return null;
  const until = Date.parse(m.startsAt) - now.getTime();
  return until > 0 && until <= MEETING_IN_SUBJECT_WITHIN ? m : null;
}

/** "before tomorrow's renewal", "before today's QBR", "before the demo on Thu 26 Nov". */
function beforeMeeting(m: Meeting, now: Date, timeZone: string): string {
  const when = meetingTime(new Date(m.startsAt), now, timeZone).split(' (')[0];
  const [day] = when.split(' ');
  return day === 'today' || day === 'tomorrow' ? `before ${day}'s ${meetingWord(m)}` : `before the ${meetingWord(m)} on ${when.replace(/ \d\d:\d\d.*$/, '')}`;
}

function headline(alert: Alert, now: Date, timeZone: string): string {
  const name = alert.account.name;
  const meeting = nearMeeting(alert, now);
  const state = STATE_WORD[alert.state];
  switch (alert.kind) {
    case 'all-clear':
      return meeting ? `${name} — all clear ${beforeMeeting(meeting, now, timeZone)}` : `${name} — all clear, healthy again`;
    case 'briefing':
      return `${name} — briefing ${meeting ? beforeMeeting(meeting, now, timeZone) : 'for your next meeting'} (${state})`;
    case 'digest':
      return `${name} — ${state} (daily digest)`;
    case 'heads-up':
    default:
      if (meeting) return `${name} — ${state} ${beforeMeeting(meeting, now, timeZone)}`;
      return alert.previousState ? `${name} — now ${state} (was ${STATE_WORD[alert.previousState]})` : `${name} — ${state}`;
  }
}

/** The second line: why, in the rep's words, loudest reasons first. */
function why(alert: Alert): string {
  if (alert.kind === 'all-clear') {
    return alert.openCases.length === 0
      ? `Nothing is open with support any more; the score is back to ${alert.score}.`
      : `What is still open is minor; the score is back to ${alert.score}.`;
  }
  if (alert.kind === 'briefing' && alert.briefing) {
    const open = alert.briefing.openCases;
    const oldest = open.map((c) => c.ageHours ?? 0).reduce((a, b) => Math.max(a, b), 0);
    const summary = open.length ? `${open.length} open case${open.length === 1 ? '' : 's'}${oldest >= 1 ? `, the oldest open ${duration(oldest * 3_600_000)}` : ''}` : 'Nothing open with support';
    return `${summary}. ${alert.reasons[0]?.label ?? ''}`.trim().replace(/\.?$/, '.');
  }
  const reasons = alert.reasons.slice(0, 2).map((r) => r.label);
  return reasons.length ? `${reasons.join('. ')}.` : `The health score dropped to ${alert.score}.`;
}

function todo(alert: Alert, now: Date, timeZone: string): string[] {
  if (alert.kind === 'all-clear') return ['Nothing to do. If you raised this with the customer, a short "glad it is sorted" goes a long way.'];
  const steps: string[] = [];
  const owners = [...new Set(alert.openCases.filter((c) => c.escalationLevel > 0 || (c.severity ?? 4) <= 2).map((c) => c.assignee).filter((a): a is string => !!a))];
  if (owners.length) steps.push(`Call the support owner${owners.length > 1 ? 's' : ''} (${owners.join(', ')}) before you talk to the customer.`);
  else steps.push('Read the open cases below before you talk to the customer.');
  if (alert.reasons.some((r) => r.code === 'rejected_resolution')) steps.push('The customer said no to what support offered: acknowledge it, do not defend the workaround.');
  const meeting = alert.nextMeeting;
  if (meeting && Date.parse(meeting.startsAt) > now.getTime()) {
    steps.push(`Prepare for “${meeting.title ?? meetingWord(meeting)}” ${meetingTime(new Date(meeting.startsAt), now, timeZone)}: acknowledge the problem, say what is being done and by when.`);
  }
  steps.push('Acknowledge this alert so your team knows you are on it.');
  return steps;
}

function caseLine(c: AlertCase, now: Date): string {
  const parts = [
    c.severity ? `severity ${c.severity}` : null,
    c.escalationLevel > 0 ? `escalated to level ${c.escalationLevel}` : null,
    c.openedAt ? `open ${durationSince(new Date(c.openedAt), now)}` : null,
    c.assignee ? `support owner ${c.assignee}` : 'nobody assigned in support',
  ].filter(Boolean);
  return `${c.title ?? 'Untitled case'} (${c.id}) — ${parts.join(', ')}`;
}

const FOOTER: Record<Recipient['role'], string> = {
  owner: 'You get this because you own this account.',
  member: 'You get this because you are on this account’s team.',
  lead: 'You get this because you lead this account’s team and it is a firestorm.',
  organizer: 'You get this because you organised the meeting.',
};

interface Item {
  text: string;
  href?: string | null;
  /** Shown quieter after the text, e.g. a reason's weight. */
  note?: string;
}
interface Section {
  title: string;
  items: Item[];
}

const quote = (text: string, max = 220): string => `“${text.length > max ? `${text.slice(0, max - 1)}…` : text}”`;

/** A briefing reads like a note from a well-prepared colleague (UI.md). */
function briefingSections(briefing: NonNullable<Alert['briefing']>, alert: Alert, now: Date, timeZone: string): Section[] {
  const m = briefing.meeting;
  const attendees = m.attendees.map((a) => a.name ?? a.email).filter(Boolean).join(', ');
  return [
    { title: 'Three talking points', items: briefing.talkingPoints.slice(0, 3).map((text) => ({ text })) },
    {
      title: 'What is open',
      items: briefing.openCases.map((c) => ({
        text: [
          `${c.title ?? 'Untitled case'} (${c.id})`,
          [
            c.openedAt ? `open ${durationSince(new Date(c.openedAt), now)}` : null,
            c.severity ? `severity ${c.severity}` : null,
            c.escalationLevel > 0 ? `escalated to level ${c.escalationLevel}` : null,
            c.rejected ? 'the customer rejected the proposed fix' : null,
            c.handoffs >= 2 ? `handed between agents ${c.handoffs} times` : null,
            c.lastSupportUpdateAt ? `last update from support ${relativeTime(new Date(c.lastSupportUpdateAt), now)}` : 'no update from support yet',
          ].filter(Boolean).join(', '),
        ].join(' — '),
        href: c.url,
      })),
    },
    {
      title: 'What the customer said',
      items: briefing.customerSaid.slice(0, 5).map((q) => ({ text: `${quote(q.quote)} — ${q.who ?? 'the customer'}, ${relativeTime(new Date(q.at), now)}${q.caseTitle ? ` on ${q.caseTitle}` : ''}` })),
    },
    { title: 'Who owns it in support', items: briefing.supportOwners.map((o) => ({ text: `${o.name} (${o.caseIds.join(', ')}) — call before the meeting` })) },
    { title: 'Fixed recently', items: briefing.recentlyFixed.map((c) => ({ text: `${c.title ?? c.id} — fixed ${relativeTime(new Date(c.resolvedAt), now)}${c.assignee ? ` by ${c.assignee}` : ''}`, href: c.url })) },
    {
      title: 'Who is unhappy',
      items: briefing.detractors.map((d) => ({ text: `${d.who ?? 'A customer'} — ${d.kind.toUpperCase()} ${d.score}${d.comment ? `: ${quote(d.comment, 160)}` : ''} (${relativeTime(new Date(d.at), now)})` })),
    },
    { title: 'Why the account is ' + STATE_WORD[alert.state], items: alert.reasons.map((r) => ({ text: r.label, note: `−${r.weight}` })) },
    {
      title: 'The meeting',
      items: [{ text: `${m.title ?? 'Meeting'} — ${meetingTime(new Date(m.startsAt), now, timeZone)}${attendees ? `, with ${attendees}` : ''}` }],
    },
  ].filter((section) => section.items.length > 0);
}

function alertSections(alert: Alert, now: Date, timeZone: string): Section[] {
  if (alert.kind === 'briefing' && alert.briefing) return briefingSections(alert.briefing, alert, now, timeZone);
  const meeting = alert.nextMeeting && Date.parse(alert.nextMeeting.startsAt) > now.getTime() ? alert.nextMeeting : null;
  return [
    { title: 'What to do', items: todo(alert, now, timeZone).map((text) => ({ text })) },
    { title: 'Why', items: alert.reasons.map((r) => ({ text: r.label, note: `−${r.weight}` })) },
    { title: 'Open with support', items: alert.openCases.map((c) => ({ text: caseLine(c, now), href: c.url })) },
    {
      title: 'Fixed recently',
      items: (alert.resolvedBeforeMeeting?.recentlyFixed ?? []).map((c) => ({ text: `${c.title ?? c.id} — fixed ${relativeTime(new Date(c.resolvedAt), now)}${c.assignee ? ` by ${c.assignee}` : ''}`, href: c.url })),
    },
    { title: 'Next meeting', items: meeting ? [{ text: `${meeting.title ?? meetingWord(meeting)} — ${meetingTime(new Date(meeting.startsAt), now, timeZone)}` }] : [] },
  ].filter((section) => section.items.length > 0);
}

/** Renders one alert mail for one recipient: subject, plain text and HTML that say the same. */
export function renderAlertMail({ alert: message, recipient, publicUrl, now, actions }: RenderInput): RenderedMail {
  const alert = message.data;
  const timeZone = validTimeZone(alert.account.timezone);
  const accountUrl = `${publicUrl}/accounts/${encodeURIComponent(alert.account.id)}`;
  const subject = headline(alert, now, timeZone);
  const reason = why(alert);
  const sections = alertSections(alert, now, timeZone);
  const greeting = recipient.name ? `Hi ${recipient.name.split(' ')[0]},` : 'Hi,';

  const text = [
    subject,
    reason,
    '',
    greeting,
    '',
    `${stateTitle(alert.state)}, score ${alert.score} of 100${alert.previousState ? ` (was ${STATE_WORD[alert.previousState]})` : ''}.`,
    `Open the account: ${accountUrl}`,
    ...(actions?.acknowledge ? [`Acknowledge: ${actions.acknowledge}`] : []),
    ...(actions?.snooze ?? []).map((s) => `${s.label}: ${s.url}`),
    ...sections.flatMap((section) => ['', section.title, ...section.items.map((i) => `- ${i.text}${i.note ? ` (${i.note})` : ''}${i.href ? `\n  ${i.href}` : ''}`)]),
    '',
    '—',
    `Forewarn · ${FOOTER[recipient.role]}`,
    ...(actions?.preferences ? [`Preferences: ${actions.preferences}`] : []),
    '',
  ].join('\n');

  const colour = STATE_COLOUR[alert.state];
  const h2 = (title: string) => `<h2 style="margin:24px 0 8px;font-size:16px;color:#1f2328">${escapeHtml(title)}</h2>`;
  const link = (href: string, label: string) => `<a href="${escapeHtml(href)}" style="color:#0b57d0">${escapeHtml(label)}</a>`;
  const action = (href: string, label: string) => `<a href="${escapeHtml(href)}" style="color:#0b57d0;white-space:nowrap">${escapeHtml(label)}</a>`;
  const item = (i: Item) => `${i.href ? link(i.href, i.text) : escapeHtml(i.text)}${i.note ? ` <span style="color:#59636e">(${escapeHtml(i.note)})</span>` : ''}`;
  const sectionHtml = (section: Section) =>
    `${h2(section.title)}<ul style="margin:0;padding-left:20px">${section.items.map((i) => `<li style="margin:0 0 6px">${item(i)}</li>`).join('')}</ul>`;
  const actionLinks = [
    ...(actions?.acknowledge ? [action(actions.acknowledge, 'Acknowledge')] : []),
    ...(actions?.snooze ?? []).map((s) => action(s.url, s.label)),
  ];

  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:0;background:#f4f5f7">
<div style="max-width:600px;margin:0 auto;padding:16px;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1f2328">
<div style="background:#ffffff;border-radius:8px;border-top:6px solid ${colour};padding:20px">
<p style="margin:0 0 4px;font-size:13px;font-weight:600;letter-spacing:.04em;text-transform:uppercase;color:${colour}">${escapeHtml(stateTitle(alert.state))} · score ${alert.score}${alert.previousState ? ` · was ${escapeHtml(STATE_WORD[alert.previousState])}` : ''}</p>
<h1 style="margin:0 0 8px;font-size:20px;line-height:1.3">${escapeHtml(subject)}</h1>
<p style="margin:0 0 16px">${escapeHtml(reason)}</p>
<p style="margin:0 0 8px">${escapeHtml(greeting)}</p>
<p style="margin:20px 0"><a href="${escapeHtml(accountUrl)}" style="display:inline-block;background:#0b57d0;color:#ffffff;text-decoration:none;font-weight:600;padding:12px 20px;border-radius:6px">Open ${escapeHtml(alert.account.name)}</a></p>
${actionLinks.length ? `<p style="margin:0 0 8px">${actionLinks.join(' &nbsp;·&nbsp; ')}</p>` : ''}
${sections.map(sectionHtml).join('\n')}
</div>
<p style="margin:12px 4px;font-size:12px;color:#59636e">Forewarn · ${escapeHtml(FOOTER[recipient.role])}${actions?.preferences ? ` · ${link(actions.preferences, 'Preferences')}` : ''}</p>
</div>
</body></html>
`;
  return { subject, text, html };
}
