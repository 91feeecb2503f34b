import type { CaseEventData, CaseStatus, InboundEvent, SurveyEventData } from '@forewarn/contracts';

/** One stored event about a case, as the fold sees it. `seq` is arrival order, the tie-breaker. */
export interface CaseFact {
  type: InboundEvent['type'];
  time: string;
  seq: number;
  data: CaseEventData | SurveyEventData;
}

export interface Rejection { at: string; who: string | null; reason: string | null }
export interface CustomerComment { at: string; who: string | null; excerpt: string }
export interface SurveyAnswer { at: string; kind: 'csat' | 'nps'; score: number; who: string | null; comment: string | null }

/** What we know about one case after applying all its events in event-time order. */
export interface CaseState {
  id: string;
  title: string | null;
  url: string | null;
  severity: number | null;
  status: CaseStatus;
  escalationLevel: number;
  product: string | null;
  assignee: string | null;
  openedAt: string | null;
  lastActivityAt: string | null;
  resolvedAt: string | null;
  /** How often the case changed hands between agents. */
  handoffs: number;
  reopenCount: number;
  slaBreaches: number;
  rejections: Rejection[];
  customerComments: CustomerComment[];
  surveys: SurveyAnswer[];
}

export const isOpen = (c: Pick<CaseState, 'status'>): boolean => c.status !== 'solved' && c.status !== 'closed';

export function emptyCase(id: string): CaseState {
  return {
    id, title: null, url: null, severity: null, status: 'open', escalationLevel: 0, product: null, assignee: null,
    openedAt: null, lastActivityAt: null, resolvedAt: null, handoffs: 0, reopenCount: 0, slaBreaches: 0,
    rejections: [], customerComments: [], surveys: [],
  };
}

const byEventTimeThenArrival = (a: CaseFact, b: CaseFact): number =>
  Date.parse(a.time) - Date.parse(b.time) || a.seq - b.seq;

/**
 * Folds a case's events into its state. Order-tolerant by construction: whatever order the
 * events arrived in, they are applied by event time (ties by arrival), so a late or redelivered
 * event gives the same result as in-order delivery.
 */
export function foldCase(caseId: string, facts: readonly CaseFact[]): CaseState {
  return [...facts].sort(byEventTimeThenArrival).reduce(applyFact, emptyCase(caseId));
}

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
        next.customerComments = [...state.customerComments, { at: time, who, excerpt: data.comment.excerpt }];
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
  return next;
}
