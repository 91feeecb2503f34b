import type { Evidence, HealthReason, HealthState } from '@forewarn/contracts';
import { type CaseState, isOpen } from './case-state';
import { DEFAULT_POLICY, type HealthPolicy, stateForScore } from './policy';

export interface HealthAssessment {
  score: number;
  state: HealthState;
  /** Loudest first. */
  reasons: HealthReason[];
  openCases: number;
  openEscalations: number;
  /** Set when a hard rule, not the score, decided the state. */
  forcedBy: string | null;
}

const SEVERITY_WORD: Record<number, string> = { 1: 'critical', 2: 'high-severity', 3: 'medium-severity', 4: 'low-severity' };
const DAY_MS = 24 * 60 * 60 * 1000;

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const caseName = (c: CaseState): string => (c.title ? `“${c.title}”` : `case ${c.id}`);
const caseEvidence = (c: CaseState, extra: Partial<Evidence> = {}): Evidence => ({
  caseId: c.id,
  ...(c.title ? { title: c.title } : {}),
  ...(c.url ? { url: c.url } : {}),
  ...(c.openedAt ? { since: c.openedAt } : {}),
  ...extra,
});

type Signal = (cases: CaseState[], policy: HealthPolicy, now: Date) => HealthReason | null;

const openCasesBySeverity: Signal = (cases, policy) => {
  const serious = cases.filter((c) => isOpen(c) && c.severity !== null && policy.openCaseBySeverity[c.severity as 1 | 2 | 3 | 4] > 0);
  if (serious.length === 0) return null;
  const weight = serious.reduce((sum, c) => sum + policy.openCaseBySeverity[c.severity as 1 | 2 | 3 | 4], 0);
  const worst = Math.min(...serious.map((c) => c.severity as number));
  const label = serious.length === 1
    ? `${caseName(serious[0])} is a ${SEVERITY_WORD[worst]} case and still open`
    : `${plural(serious.length, 'serious case')} open, the worst ${SEVERITY_WORD[worst]}`;
  return { code: 'open_severe_cases', label, weight, evidence: serious.map((c) => caseEvidence(c, { detail: `severity ${c.severity}` })) };
};

const openEscalations: Signal = (cases, policy) => {
  const escalated = cases.filter((c) => isOpen(c) && c.escalationLevel > 0);
  if (escalated.length === 0) return null;
  const weight = escalated.reduce((sum, c) => sum + c.escalationLevel * policy.perEscalationLevel, 0);
  const label = escalated.length === 1
    ? `${caseName(escalated[0])} is escalated to level ${escalated[0].escalationLevel}`
    : `${plural(escalated.length, 'open escalation')}, up to level ${Math.max(...escalated.map((c) => c.escalationLevel))}`;
  return { code: 'open_escalations', label, weight, evidence: escalated.map((c) => caseEvidence(c, { detail: `escalation level ${c.escalationLevel}` })) };
};

const rejectedResolutions: Signal = (cases, policy) => {
  const rejected = cases.filter((c) => isOpen(c) && c.rejections.length > 0);
  if (rejected.length === 0) return null;
  const latest = (c: CaseState) => c.rejections[c.rejections.length - 1];
  const first = rejected[0];
  const label = rejected.length === 1
    ? `The customer rejected the proposed resolution of ${caseName(first)}${latest(first).reason ? `: “${latest(first).reason}”` : ''}`
    : `The customer rejected the proposed resolution on ${plural(rejected.length, 'case')}`;
  return {
    code: 'rejected_resolution',
    label,
    weight: rejected.length * policy.rejectedResolution,
    evidence: rejected.map((c) => caseEvidence(c, { since: latest(c).at, ...(latest(c).who ? { who: latest(c).who as string } : {}), ...(latest(c).reason ? { quote: latest(c).reason as string } : {}) })),
  };
};

const reopenedCases: Signal = (cases, policy) => {
  const reopened = cases.filter((c) => isOpen(c) && c.reopenCount > 0);
  if (reopened.length === 0) return null;
  const label = reopened.length === 1
    ? `${caseName(reopened[0])} was reopened ${reopened[0].reopenCount === 1 ? 'after being marked solved' : `${reopened[0].reopenCount} times`}`
    : `${plural(reopened.length, 'case')} reopened after being marked solved`;
  return { code: 'reopened_cases', label, weight: reopened.length * policy.reopened, evidence: reopened.map((c) => caseEvidence(c, { detail: `reopened ${c.reopenCount}×` })) };
};

const handoffLoops: Signal = (cases, policy) => {
  const bounced = cases.filter((c) => isOpen(c) && c.handoffs >= policy.handoffs.atLeast);
  if (bounced.length === 0) return null;
  const label = bounced.length === 1
    ? `${caseName(bounced[0])} was handed between agents ${bounced[0].handoffs} times`
    : `${plural(bounced.length, 'case')} keep being handed between agents`;
  return { code: 'handoff_loops', label, weight: bounced.length * policy.handoffs.weight, evidence: bounced.map((c) => caseEvidence(c, { detail: `${c.handoffs} hand-offs`, ...(c.assignee ? { who: c.assignee } : {}) })) };
};

const slaBreaches: Signal = (cases, policy) => {
  const breached = cases.filter((c) => isOpen(c) && c.slaBreaches > 0);
  if (breached.length === 0) return null;
  const label = breached.length === 1 ? `${caseName(breached[0])} breached its SLA` : `${plural(breached.length, 'open case')} breached the SLA`;
  return { code: 'sla_breaches', label, weight: breached.length * policy.slaBreach, evidence: breached.map((c) => caseEvidence(c)) };
};

const poorSurveys: Signal = (cases, policy, now) => {
  const { csatAtMost, npsAtMost, withinDays, weight } = policy.poorSurvey;
  const poor = cases.flatMap((c) =>
    c.surveys
      .filter((s) => now.getTime() - Date.parse(s.at) <= withinDays * DAY_MS)
      .filter((s) => (s.kind === 'csat' ? s.score <= csatAtMost : s.score <= npsAtMost))
      .map((s) => ({ c, s })),
  );
  if (poor.length === 0) return null;
  const names = [...new Set(poor.map(({ s }) => s.who).filter((w): w is string => !!w))];
  const label = `${plural(poor.length, 'poor survey answer')} in the last ${withinDays} days${names.length ? ` (${names.join(', ')})` : ''}`;
  return {
    code: 'poor_surveys',
    label,
    weight: poor.length * weight,
    evidence: poor.map(({ c, s }) => caseEvidence(c, { since: s.at, detail: `${s.kind.toUpperCase()} ${s.score}`, ...(s.who ? { who: s.who } : {}), ...(s.comment ? { quote: s.comment } : {}) })),
  };
};

const SIGNALS: Signal[] = [openCasesBySeverity, openEscalations, rejectedResolutions, reopenedCases, handoffLoops, slaBreaches, poorSurveys];

/** A critical escalation whose resolution the customer rejected is a firestorm, whatever the score. */
function hardRule(cases: CaseState[]): string | null {
  const burning = cases.find((c) => isOpen(c) && c.severity === 1 && c.escalationLevel > 0 && c.rejections.length > 0);
  return burning ? `critical escalation with a rejected resolution (${burning.id})` : null;
}

/** Scores an account from its cases: 100 minus the weight of every signal, each with its evidence. */
export function assessHealth(cases: readonly CaseState[], now: Date, policy: HealthPolicy = DEFAULT_POLICY): HealthAssessment {
  const list = [...cases];
  const reasons = SIGNALS.map((signal) => signal(list, policy, now))
    .filter((r): r is HealthReason => r !== null && r.weight > 0)
    .sort((a, b) => b.weight - a.weight);
  const score = Math.max(0, Math.round(100 - reasons.reduce((sum, r) => sum + r.weight, 0)));
  const forcedBy = hardRule(list);
  return {
    score,
    state: forcedBy ? 'firestorm' : stateForScore(score, policy),
    reasons,
    openCases: list.filter(isOpen).length,
    openEscalations: list.filter((c) => isOpen(c) && c.escalationLevel > 0).length,
    forcedBy,
  };
}
