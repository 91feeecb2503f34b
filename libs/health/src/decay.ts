import { type CaseState } from './case-state';
import type { HealthPolicy, Severity } from './policy';
import { DAY_MS } from './words';

/** 1 now, ½ after one half-life, ¼ after two… */
export function decayFactor(ageMs: number, halfLifeDays: number): number {
  return ageMs <= 0 ? 1 : 0.5 ** (ageMs / (halfLifeDays * DAY_MS));
}

/**
 * How heavily a case weighed at its worst: its worst severity, its highest escalation, and what
 * went wrong on the way (rejected fix, reopening, hand-offs, SLA breach). A resolved case keeps a
 * share of this in the customer's memory, fading with the policy's half-life.
 */
export function caseBurden(c: CaseState, policy: HealthPolicy): number {
  const severity = c.worstSeverity ?? c.severity;
  return (
    (severity ? policy.openCases.weightBySeverity[severity as Severity] : 0) +
    c.peakEscalationLevel * policy.escalations.perLevel +
    (c.rejections.length > 0 ? policy.rejectedResolution.weight : 0) +
    (c.reopenCount > 0 ? policy.reopened.weight : 0) +
    (c.handoffs >= policy.handoffs.atLeast ? policy.handoffs.weight : 0) +
    (c.slaBreaches > 0 ? policy.slaBreach.weight : 0)
  );
}

export const isPositiveSurvey = (s: { kind: 'csat' | 'nps'; score: number }): boolean => (s.kind === 'csat' ? s.score >= 4 : s.score >= 9);
