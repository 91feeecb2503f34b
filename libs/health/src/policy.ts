import type { HealthState } from '@forewarn/contracts';

/**
 * Weights (points off a score of 100) and thresholds. Defaults are chosen so that one critical
 * case alone is `watch`, a critical escalated case is `at_risk`, and a hard rule makes a critical
 * escalation whose resolution the customer rejected a `firestorm`.
 */
export interface HealthPolicy {
  openCaseBySeverity: Record<1 | 2 | 3 | 4, number>;
  perEscalationLevel: number;
  rejectedResolution: number;
  reopened: number;
  handoffs: { atLeast: number; weight: number };
  slaBreach: number;
  poorSurvey: { csatAtMost: number; npsAtMost: number; weight: number; withinDays: number };
  /** Lowest score of each state, loudest first. */
  thresholds: { watch: number; at_risk: number; firestorm: number };
}

export const DEFAULT_POLICY: HealthPolicy = {
  openCaseBySeverity: { 1: 25, 2: 12, 3: 4, 4: 0 },
  perEscalationLevel: 10,
  rejectedResolution: 20,
  reopened: 8,
  handoffs: { atLeast: 3, weight: 8 },
  slaBreach: 10,
  poorSurvey: { csatAtMost: 2, npsAtMost: 6, weight: 8, withinDays: 30 },
  thresholds: { watch: 80, at_risk: 60, firestorm: 35 },
};

export function stateForScore(score: number, policy: HealthPolicy): HealthState {
  if (score < policy.thresholds.firestorm) return 'firestorm';
  if (score < policy.thresholds.at_risk) return 'at_risk';
  if (score < policy.thresholds.watch) return 'watch';
  return 'healthy';
}
