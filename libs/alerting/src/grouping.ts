import type { AlertKind } from '@forewarn/contracts';

/** A notification for the same account and recipient that is still waiting to be sent. */
export interface WaitingNotification {
  id: string;
  kind: AlertKind;
  dueAt: Date;
}

export interface GroupingPlan {
  /** When the new notification should go out. */
  dueAt: Date;
  /** The waiting notification the new one replaces (the newest alert says it all). */
  supersedes: string | null;
  /** True when the new one cancels the waiting one out and is not sent either (worse, then fine again, within the wait). */
  cancelled: boolean;
}

/**
 * Groups a burst about one account into one mail, like an alert router's group wait: the first
 * alert waits `groupWaitMs`; a later alert within that wait replaces the waiting one and keeps
 * its send time, so a burst gives one mail with the latest state, not one mail per event. An
 * all-clear arriving while a heads-up still waits cancels both: the recipient never heard of it.
 */
export function planNotification(waiting: WaitingNotification | null, incoming: { kind: AlertKind }, now: Date, groupWaitMs: number): GroupingPlan {
  const fresh = new Date(now.getTime() + groupWaitMs);
  if (!waiting || waiting.kind === 'digest' || incoming.kind === 'digest') return { dueAt: fresh, supersedes: null, cancelled: false };
  if (incoming.kind === 'all-clear' && waiting.kind === 'heads-up') return { dueAt: waiting.dueAt, supersedes: waiting.id, cancelled: true };
  return { dueAt: waiting.dueAt, supersedes: waiting.id, cancelled: false };
}
