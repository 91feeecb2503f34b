import type { HealthReason, HealthState } from '@forewarn/contracts';
import type { AccountFacts } from './account-facts';
import { type CaseState, isOpen } from './case-state';
import { applyHardRules } from './hard-rules';
import { DEFAULT_POLICY, type HealthPolicy, louder, stateForScore } from './policy';
import { nearness, valueWeight } from './sales-weighting';
import { SIGNALS } from './signals';

export interface HealthAssessment {
  score: number;
  state: HealthState;
  /** Problems loudest first, then what amplifies them (account value, a near meeting). Weights add up to 100 − score. */
  reasons: HealthReason[];
  openCases: number;
  openEscalations: number;
  /** Set when a hard rule applies and sets the state (whatever the score): "a critical escalation … (ZD-4711)". */
  forcedBy: string | null;
  policyVersion: string;
  /** True when the assessment would change with time alone (staleness, decay, an approaching meeting). */
  timeDependent: boolean;
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const times = (m: number): string => `${Number(m.toFixed(2))}×`;

/** Accepts the account's facts, or (for short tests and old callers) just its cases. */
const asFacts = (input: AccountFacts | readonly CaseState[]): AccountFacts => (Array.isArray(input) ? { cases: input as readonly CaseState[] } : (input as AccountFacts));

/**
 * Scores an account: 100 minus the weight of every signal, multiplied by how much the account
 * is worth and how near its next meeting or renewal is; a hard rule may force a louder state.
 * Pure: the same facts, policy and clock always give the same assessment.
 */
export function assessHealth(input: AccountFacts | readonly CaseState[], now: Date, policy: HealthPolicy = DEFAULT_POLICY): HealthAssessment {
  const facts = asFacts(input);
  const problems = SIGNALS.map((signal) => signal(facts, policy, now)).filter((r): r is HealthReason => r !== null && r.weight > 0);
  const base = problems.reduce((sum, r) => sum + r.weight, 0);

  const amplifiers: HealthReason[] = [];
  if (base > 0) {
    const cap = policy.salesWeighting.maxMultiplier;
    const value = valueWeight(facts.account, policy);
    const near = nearness(facts, policy, now);
    const valueMultiplier = Math.min(value?.multiplier ?? 1, cap);
    const nearMultiplier = Math.min(near?.multiplier ?? 1, cap / valueMultiplier);
    if (value && valueMultiplier > 1) {
      amplifiers.push({
        code: 'key_account',
        label: `${capitalise(value.words)}: problems here weigh ${times(valueMultiplier)}`,
        weight: base * (valueMultiplier - 1),
        evidence: [{ detail: value.words }],
      });
    }
    if (near && nearMultiplier > 1) {
      amplifiers.push({
        code: near.kind === 'renewal' ? 'renewal_soon' : 'meeting_soon',
        label: `${capitalise(near.words)}: all of this will come up, so it weighs ${times(nearMultiplier)}`,
        weight: base * valueMultiplier * (nearMultiplier - 1),
        evidence: [{ detail: near.meeting ? `${near.meeting.kind ?? 'meeting'} at ${near.meeting.startsAt}` : `renewal on ${new Date(near.at).toISOString().slice(0, 10)}`, ...(near.meeting?.title ? { title: near.meeting.title } : {}) }],
      });
    }
  }

  // Round each weight once, so the reasons a rep reads add up exactly to what the score lost.
  const rounded = (list: HealthReason[]) => list.map((r) => ({ ...r, weight: Math.round(r.weight) })).filter((r) => r.weight > 0);
  const reasons = [...rounded(problems).sort((a, b) => b.weight - a.weight), ...rounded(amplifiers)];
  const score = Math.max(0, 100 - reasons.reduce((sum, r) => sum + r.weight, 0));
  const forced = applyHardRules(facts, policy, now);
  const byScore = stateForScore(score, policy);
  const state = forced ? louder(forced.state, byScore) : byScore;
  const open = facts.cases.filter(isOpen);
  return {
    score,
    state,
    reasons,
    openCases: open.length,
    openEscalations: open.filter((c) => c.escalationLevel > 0).length,
    forcedBy: forced && state === forced.state ? forced.because : null,
    policyVersion: policy.version,
    timeDependent: open.length > 0 || reasons.length > 0,
  };
}
