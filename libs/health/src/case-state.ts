import type { CaseEventData, CaseStatus, InboundEvent, SurveyEventData } from '@forewarn/contracts';
import { commentSentiment } from './sentiment';

/**
 * One stored event about a case, as the fold sees it. `key` (source and id) identifies the event,
 * so a duplicate is applied once; `seq` is arrival order, used only as a last resort.
 */
export interface CaseFact {
  type: InboundEvent['type'];
  time: string;
  seq: number;
  key?: string;
  data: CaseEventData | SurveyEventData;
}

export interface Rejection { at: string; who: string | null; reason: string | null }
/** `sentiment`: −1 (furious) … +1 (delighted), from the sentiment model. */
export interface CustomerComment { at: string; who: string | null; excerpt: string; sentiment: number }
export interface SurveyAnswer { at: string; kind: 'csat' | 'nps'; score: number; who: string | null; comment: string | null }

/** What we know about one case after applying all its events in event-time order. */
export interface CaseState {
  id: string;
  title: string | null;
  url: string | null;
  severity: number | null;
  /** The worst severity the case ever had: the customer remembers the outage, not the downgrade. */
  worstSeverity: number | null;
  status: CaseStatus;
  escalationLevel: number;
  /** The highest escalation level the case ever reached. */
  peakEscalationLevel: number;
  /** Since when the case is escalated (null when it is not). */
  escalatedAt: string | null;
  product: string | null;
  assignee: string | null;
  openedAt: string | null;
  lastActivityAt: string | null;
  /** When support last did something visible (or the case was opened or reopened): staleness counts from here. */
  lastSupportUpdateAt: string | null;
  resolvedAt: string | null;
  /** How often the case changed hands between agents. */
  handoffs: number;
  reopenCount: number;
  slaBreaches: number;
  rejections: Rejection[];
  customerComments: CustomerComment[];
  surveys: SurveyAnswer[];
  /** The last event folded in (in event order), so later events can continue the fold; null when unknown. */
  foldedThrough: FoldMark | null;
}

/** Where a fold stands: the order key of the last event it applied (not its arrival, which differs between deliveries). */
export interface FoldMark { type: InboundEvent['type']; time: string; key: string }

export const isOpen = (c: Pick<CaseState, 'status'>): boolean => c.status !== 'solved' && c.status !== 'closed';

export function emptyCase(id: string): CaseState {
  return {
    id, title: null, url: null, severity: null, worstSeverity: null, status: 'open', escalationLevel: 0, peakEscalationLevel: 0,
    escalatedAt: null, product: null, assignee: null, openedAt: null, lastActivityAt: null, lastSupportUpdateAt: null,
    resolvedAt: null, handoffs: 0, reopenCount: 0, slaBreaches: 0, rejections: [], customerComments: [], surveys: [],
    foldedThrough: null,
  };
}

/**
 * Where an event sits among events with the same timestamp: a case is opened before anything
 * else happens to it, a resolution is proposed before it is rejected, resolved before reopened,
 * and closed last. Together with the event's key this makes the order independent of arrival.
 */
const PHASE: Partial<Record<InboundEvent['type'], number>> = {
  'forewarn.case.opened': 0,
  'forewarn.case.resolution_rejected': 2,
  'forewarn.case.resolved': 3,
  'forewarn.case.reopened': 4,
  'forewarn.case.closed': 5,
  'forewarn.meeting.scheduled': 0,
  'forewarn.meeting.cancelled': 2,
};
const phaseOf = (type: InboundEvent['type']): number => PHASE[type] ?? 1;

/** Event time, then phase, then event key: a total order that does not depend on delivery. */
export function byEventOrder<T extends { type: InboundEvent['type']; time: string; seq: number; key?: string }>(a: T, b: T): number {
  return (
    Date.parse(a.time) - Date.parse(b.time) ||
    phaseOf(a.type) - phaseOf(b.type) ||
    (a.key !== undefined && b.key !== undefined ? (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : 0) ||
    a.seq - b.seq
  );
}

/** Sorted by event order, each event once (by key). */
export function inEventOrder<T extends { type: InboundEvent['type']; time: string; seq: number; key?: string }>(facts: readonly T[]): T[] {
  const seen = new Set<string>();
  return [...facts].sort(byEventOrder).filter((f) => (f.key === undefined ? true : seen.has(f.key) ? false : (seen.add(f.key), true)));
}

/**
 * Folds a case's events into its state. Order-tolerant by construction: whatever order the
 * events arrived in, and however often, they are applied once each by event time (ties by
 * phase and event id), so a late or redelivered event gives the same result as in-order delivery.
 */
export function foldCase(caseId: string, facts: readonly CaseFact[]): CaseState {
  return foldOnto(emptyCase(caseId), inEventOrder(facts));
}

/**
 * Continues a fold with events that all come after the last one it applied, which gives the same
 * state as folding every event again, without reading the case's history. Null when that does
 * not hold (a late event belongs in the middle; an older state does not know where it stands):
 * then the case must be folded again from all its events.
 */
export function continueCaseFold(state: CaseState, facts: readonly CaseFact[]): CaseState | null {
  const ordered = inEventOrder(facts);
  if (ordered.length === 0) return state;
  const mark = state.foldedThrough;
  if (!mark || ordered.some((f) => f.key === undefined) || byEventOrder({ ...mark, seq: 0 }, { ...ordered[0], key: ordered[0].key as string, seq: 0 }) >= 0) return null;
  return foldOnto(state, ordered);
}

function foldOnto(state: CaseState, ordered: readonly CaseFact[]): CaseState {
  const folded = ordered.reduce(applyFact, state);
  const last = ordered[ordered.length - 1];
  if (!last) return folded;
  return { ...folded, foldedThrough: last.key === undefined ? null : { type: last.type, time: last.time, key: last.key } };
}

/** Event types that show support working on the case (when an agent or the system did them). */
const SUPPORT_ACTIONS = new Set<InboundEvent['type']>([
  'forewarn.case.updated', 'forewarn.case.priority_changed', 'forewarn.case.escalated', 'forewarn.case.de_escalated',
  'forewarn.case.commented', 'forewarn.case.assigned', 'forewarn.case.resolution_proposed', 'forewarn.case.resolved',
  'forewarn.case.closed',
]);

const worse = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.min(a, b));

function applyFact(state: CaseState, fact: CaseFact): CaseState {
  const { data, time } = fact;
  const snapshot = data.case;
  const next: CaseState = {
    ...state,
    title: snapshot?.title ?? state.title,
    url: snapshot?.url ?? state.url,
    severity: snapshot?.severity ?? state.severity,
    product: snapshot?.product ?? state.product,
    escalationLevel: snapshot?.escalationLevel ?? state.escalationLevel,
    status: snapshot?.status ?? state.status,
    lastActivityAt: time,
  };
  const who = data.actor?.name ?? data.actor?.email ?? null;
  switch (fact.type) {
    case 'forewarn.case.opened':
      next.openedAt = state.openedAt ?? time;
      next.lastSupportUpdateAt = state.lastSupportUpdateAt ?? time;
      break;
    case 'forewarn.case.escalated':
      if (snapshot?.escalationLevel === undefined) next.escalationLevel = Math.min(3, state.escalationLevel + 1);
      break;
    case 'forewarn.case.de_escalated':
      if (snapshot?.escalationLevel === undefined) next.escalationLevel = Math.max(0, state.escalationLevel - 1);
      break;
    case 'forewarn.case.assigned': {
      const assignee = data.assignee?.name ?? data.assignee?.id ?? null;
      if (assignee && state.assignee && assignee !== state.assignee) next.handoffs = state.handoffs + 1;
      next.assignee = assignee ?? state.assignee;
      break;
    }
    case 'forewarn.case.resolution_rejected':
      next.rejections = [...state.rejections, { at: time, who, reason: data.reason ?? data.comment?.excerpt ?? null }];
      if (!snapshot?.status && !isOpen(state)) next.status = 'open';
      break;
    case 'forewarn.case.resolved':
      if (!snapshot?.status) next.status = 'solved';
      next.resolvedAt = time;
      break;
    case 'forewarn.case.reopened':
      next.reopenCount = state.reopenCount + 1;
      if (!snapshot?.status) next.status = 'open';
      next.resolvedAt = null;
      next.lastSupportUpdateAt = time;
      break;
    case 'forewarn.case.closed':
      if (!snapshot?.status) next.status = 'closed';
      next.resolvedAt = state.resolvedAt ?? time;
      break;
    case 'forewarn.case.sla_breached':
      next.slaBreaches = state.slaBreaches + 1;
      break;
    case 'forewarn.case.commented':
      if (data.actor?.type === 'customer' && data.comment?.excerpt) {
        next.customerComments = [...state.customerComments, { at: time, who, excerpt: data.comment.excerpt, sentiment: commentSentiment(data.comment.excerpt) }];
      }
      break;
    case 'forewarn.survey.responded':
      if (data.survey) {
        next.surveys = [...state.surveys, { at: time, kind: data.survey.kind, score: data.survey.score, who, comment: data.survey.comment ?? null }];
      }
      break;
    default:
      break;
  }
  if (SUPPORT_ACTIONS.has(fact.type) && data.actor?.type !== 'customer') {
    if (fact.type !== 'forewarn.case.commented' || data.actor?.type === 'agent') next.lastSupportUpdateAt = time;
  }
  // A status snapshot may settle or reopen the case outside the resolve/reopen events.
  if (isOpen(next) && !isOpen(state) && fact.type !== 'forewarn.case.reopened') next.resolvedAt = null;
  if (!isOpen(next) && next.resolvedAt === null) next.resolvedAt = time;
  next.worstSeverity = worse(state.worstSeverity, next.severity);
  next.peakEscalationLevel = Math.max(state.peakEscalationLevel, next.escalationLevel);
  if (next.escalationLevel === 0) next.escalatedAt = null;
  else if (state.escalationLevel === 0 || state.escalatedAt === null) next.escalatedAt = time;
  return next;
}
