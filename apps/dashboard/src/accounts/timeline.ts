import type { EventType } from '@forewarn/contracts';

/** The parts of an event's `data` the timeline reads; every field may be missing. */
export interface TimelineEventData {
  account?: { name?: string };
  case?: { id?: string; title?: string; severity?: number; status?: string; escalationLevel?: number };
  actor?: { type?: 'customer' | 'agent' | 'system'; name?: string; email?: string };
  reason?: string;
  comment?: { public?: boolean; excerpt?: string };
  assignee?: { id?: string; name?: string };
  survey?: { kind?: 'csat' | 'nps'; score?: number; comment?: string };
  meeting?: { id?: string; title?: string; startsAt?: string; kind?: string };
  // account.upserted
  name?: string;
  owner?: { name?: string; email?: string };
  team?: string;
}

/** `bad` makes things worse for the account, `good` better, `neutral` neither. */
export type Tone = 'bad' | 'good' | 'neutral';

export interface TimelineEntry {
  at: string;
  type: string;
  caseId: string | null;
  caseTitle: string | null;
  who: string | null;
  /** What happened, as a person would say it. */
  sentence: string;
  tone: Tone;
}

const SEVERITY: Record<number, string> = { 1: 'critical', 2: 'high', 3: 'medium', 4: 'low' };
const STATUS: Record<string, string> = { new: 'new', open: 'open', pending: 'waiting for the customer', on_hold: 'on hold', solved: 'solved', closed: 'closed' };
const MEETING_KIND: Record<string, string> = { proposal: 'Proposal', qbr: 'QBR', renewal: 'Renewal', demo: 'Demo', other: 'Meeting' };

const quoted = (text: string | undefined, max = 160): string | null => {
  const clean = text?.replace(/\s+/g, ' ').trim();
  if (!clean) return null;
  return `“${clean.length > max ? `${clean.slice(0, max - 1)}…` : clean}”`;
};
const withReason = (sentence: string, reason: string | undefined): string => {
  const clean = reason?.replace(/\s+/g, ' ').trim();
  return clean ? `${sentence}: ${clean}` : sentence;
};
const person = (p: { name?: string; email?: string } | undefined): string | null => p?.name?.trim() || p?.email?.trim() || null;

/** One timeline line for a stored CloudEvent: what happened, who did it, to which case. */
export function describeEvent(type: EventType | string, time: string, data: TimelineEventData): TimelineEntry {
  const who = person(data.actor);
  const caseTitle = data.case?.title ?? null;
  const entry = (sentence: string, tone: Tone, by: string | null = who): TimelineEntry => ({
    at: time, type, caseId: data.case?.id ?? null, caseTitle, who: by, sentence, tone,
  });
  const sev = data.case?.severity ? SEVERITY[data.case.severity] : null;
  const meeting = data.meeting;
  const meetingName = `${MEETING_KIND[meeting?.kind ?? 'other'] ?? 'Meeting'}${meeting?.title ? ` “${meeting.title}”` : ''}`;

  switch (type) {
    case 'forewarn.case.opened':
      return entry(`${caseTitle ? `Case opened: “${caseTitle}”` : 'Case opened'}${sev ? ` (${sev} severity)` : ''}`, sev === 'critical' || sev === 'high' ? 'bad' : 'neutral');
    case 'forewarn.case.updated':
      return entry(data.case?.status ? `Case updated, now ${STATUS[data.case.status] ?? data.case.status}` : 'Case updated', 'neutral');
    case 'forewarn.case.priority_changed':
      return entry(sev ? `Priority changed to ${sev}` : 'Priority changed', sev === 'critical' || sev === 'high' ? 'bad' : 'neutral');
    case 'forewarn.case.escalated':
      return entry(withReason(data.case?.escalationLevel ? `Escalated to level ${data.case.escalationLevel}` : 'Escalated', data.reason), 'bad');
    case 'forewarn.case.de_escalated':
      return entry(withReason(data.case?.escalationLevel !== undefined ? `De-escalated to level ${data.case.escalationLevel}` : 'De-escalated', data.reason), 'good');
    case 'forewarn.case.commented': {
      const text = data.comment?.public === false ? null : quoted(data.comment?.excerpt);
      if (data.actor?.type === 'customer') return entry(text ? `Customer wrote: ${text}` : 'Customer commented', text ? 'bad' : 'neutral');
      return entry(text ? `Support replied: ${text}` : 'Support added an internal note', 'neutral');
    }
    case 'forewarn.case.assigned': {
      const to = person(data.assignee);
      return entry(to ? `Assigned to ${to}` : 'Reassigned', 'neutral', who);
    }
    case 'forewarn.case.resolution_proposed':
      return entry(withReason('Support proposed a resolution', data.reason ?? data.comment?.excerpt), 'neutral');
    case 'forewarn.case.resolution_rejected':
      return entry(withReason('Customer rejected the resolution', data.reason ?? data.comment?.excerpt), 'bad');
    case 'forewarn.case.resolved':
      return entry(withReason('Marked solved', data.reason), 'good');
    case 'forewarn.case.reopened':
      return entry(withReason('Reopened after being marked solved', data.reason), 'bad');
    case 'forewarn.case.closed':
      return entry('Case closed', 'good');
    case 'forewarn.case.sla_breached':
      return entry(withReason('SLA breached', data.reason), 'bad');
    case 'forewarn.survey.responded': {
      const s = data.survey;
      if (!s?.kind || s.score === undefined) return entry('Survey answered', 'neutral');
      const scale = s.kind === 'csat' ? `${s.score}/5` : `${s.score}/10`;
      const poor = s.kind === 'csat' ? s.score <= 2 : s.score <= 6;
      const good = s.kind === 'csat' ? s.score >= 4 : s.score >= 9;
      const tag = s.kind === 'nps' ? (poor ? ' (detractor)' : good ? ' (promoter)' : '') : '';
      const text = quoted(s.comment);
      return entry(`${s.kind.toUpperCase()} ${scale}${tag}${text ? `: ${text}` : ''}`, poor ? 'bad' : good ? 'good' : 'neutral');
    }
    case 'forewarn.account.upserted': {
      const owner = person(data.owner);
      const details = [owner ? `owner ${owner}` : null, data.team ? `team ${data.team}` : null].filter(Boolean).join(', ');
      return entry(`Account details updated from the CRM${details ? ` (${details})` : ''}`, 'neutral', null);
    }
    case 'forewarn.meeting.scheduled':
      return entry(`${meetingName} scheduled`, 'neutral', person((data.meeting as { organizer?: { name?: string; email?: string } } | undefined)?.organizer));
    case 'forewarn.meeting.updated':
      return entry(`${meetingName} updated`, 'neutral', null);
    case 'forewarn.meeting.cancelled':
      return entry(`${meetingName} cancelled`, 'neutral', null);
    default:
      return entry(type.replace(/^forewarn\./, '').replace(/[._]/g, ' '), 'neutral');
  }
}
