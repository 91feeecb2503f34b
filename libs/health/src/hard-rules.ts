import type { HealthState } from '@forewarn/contracts';
import type { AccountFacts } from './account-facts';
import { type CaseState, isOpen } from './case-state';
import { type HardRule, type HealthPolicy, louder } from './policy';
import { hoursToNextMeetingOrRenewal } from './sales-weighting';
import { HOUR_MS } from './words';

export interface ForcedState {
  state: HealthState;
  rule: HardRule;
  caseId: string;
  /** "a critical escalation whose resolution the customer rejected (ZD-4711)". */
  because: string;
}

/** Whether one open case, in its account's situation, meets every condition of a rule. */
export function ruleMatches(rule: HardRule, c: CaseState, meetingInHours: number | null, now: Date): boolean {
  const w = rule.when;
  if (!isOpen(c)) return false;
  if (w.severityAtMost !== undefined && (c.severity === null || c.severity > w.severityAtMost)) return false;
  if (w.escalationLevelAtLeast !== undefined && c.escalationLevel < w.escalationLevelAtLeast) return false;
  if (w.rejected !== undefined && (c.rejections.length > 0) !== w.rejected) return false;
  if (w.reopened !== undefined && (c.reopenCount > 0) !== w.reopened) return false;
  if (w.handoffsAtLeast !== undefined && c.handoffs < w.handoffsAtLeast) return false;
  if (w.slaBreached !== undefined && (c.slaBreaches > 0) !== w.slaBreached) return false;
  if (w.openForHoursAtLeast !== undefined && (!c.openedAt || now.getTime() - Date.parse(c.openedAt) < w.openForHoursAtLeast * HOUR_MS)) return false;
  if (w.meetingWithinHours !== undefined && (meetingInHours === null || meetingInHours > w.meetingWithinHours)) return false;
  return true;
}

/** The loudest state any hard rule forces on this account, and why; null when none applies. */
export function applyHardRules(facts: AccountFacts, policy: HealthPolicy, now: Date): ForcedState | null {
  const meetingInHours = hoursToNextMeetingOrRenewal(facts, now);
  let forced: ForcedState | null = null;
  for (const rule of policy.hardRules) {
    for (const c of facts.cases) {
      if (!ruleMatches(rule, c, meetingInHours, now)) continue;
      if (!forced || louder(rule.state, forced.state) !== forced.state) {
        forced = { state: rule.state, rule, caseId: c.id, because: `${rule.description} (${c.id})` };
      }
      break;
    }
  }
  return forced;
}
