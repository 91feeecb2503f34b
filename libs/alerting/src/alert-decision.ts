import { type AlertKind, type HealthState, healthStateRank } from '@forewarn/contracts';

export interface AlertMemory {
  /** The loudest state the account team has been told about and not yet been given the all-clear for. */
  alertedState: HealthState | null;
}

export interface AlertDecision {
  kind: Extract<AlertKind, 'heads-up' | 'all-clear'> | null;
  /** What to remember for the next decision. */
  alertedState: HealthState | null;
}

/**
 * Decides whether a health change is worth a mail: `heads-up` when the account got worse than
 * anything the team was already told, `all-clear` when an account they were warned about is
 * healthy again. Improving but still unhealthy stays quiet, so a flapping account does not
 * re-alert for a state the team already knows.
 */
export function decideAlert(memory: AlertMemory, next: HealthState): AlertDecision {
  const told = memory.alertedState;
  if (next === 'healthy') {
    return told ? { kind: 'all-clear', alertedState: null } : { kind: null, alertedState: null };
  }
  if (told === null || healthStateRank(next) > healthStateRank(told)) {
    return { kind: 'heads-up', alertedState: next };
  }
  return { kind: null, alertedState: told };
}
