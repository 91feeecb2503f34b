import { type AlertKind, type ChatChannel, type HealthState, healthStateRank } from '@forewarn/contracts';

export interface QuietHours {
  /** Local wall-clock times, "HH:MM"; a window may wrap past midnight (20:00–07:00). */
  start: string;
  end: string;
}

export interface RecipientPreferences {
  /** `digest`: account alerts wait for the daily digest, except firestorms. */
  mode: 'immediate' | 'digest';
  quietHours: QuietHours | null;
  /** IANA zone; the account's zone when unset. */
  timeZone: string | null;
  /** A Slack or Teams incoming webhook that gets the same alerts. */
  chat: ChatChannel | null;
}

export const DEFAULT_PREFERENCES: RecipientPreferences = { mode: 'immediate', quietHours: { start: '20:00', end: '07:00' }, timeZone: null, chat: null };

export interface NoisePolicy {
  /** The same state is not mailed again within this interval unless it got worse. */
  repeatIntervalMs: number;
  /** A meeting this close makes an alert urgent: it ignores quiet hours. */
  urgentMeetingWithinMs: number;
}

export const DEFAULT_NOISE_POLICY: NoisePolicy = { repeatIntervalMs: 24 * 3_600_000, urgentMeetingWithinMs: 6 * 3_600_000 };

export interface AlertFacts {
  kind: AlertKind;
  state: HealthState;
  /** Start of the next meeting with the account, if any. */
  meetingAt: Date | null;
}

/** What this recipient was already told about this account, and what they said back. */
export interface DeliveryMemory {
  lastSent: { kind: AlertKind; state: HealthState; at: Date } | null;
  /** Someone on the team acknowledged the account at this state (cleared when it recovers). */
  acknowledged: { state: HealthState; at: Date } | null;
  /** This recipient snoozed the account (cleared when it recovers). */
  snoozed: { state: HealthState; until: Date } | null;
}

export type Suppression = 'repeat' | 'acknowledged' | 'snoozed' | 'never-told' | null;

const atLeastAsLoud = (told: HealthState, now: HealthState): boolean => healthStateRank(told) >= healthStateRank(now);

/** Urgent alerts skip quiet hours and digests: a firestorm, or a meeting within hours. */
export function isUrgent(alert: AlertFacts, now: Date, policy: NoisePolicy = DEFAULT_NOISE_POLICY): boolean {
  if (alert.state === 'firestorm') return true;
  const until = alert.meetingAt ? alert.meetingAt.getTime() - now.getTime() : Infinity;
  return alert.kind !== 'all-clear' && until > 0 && until <= policy.urgentMeetingWithinMs;
}

/**
 * Whether a due mail should not go out after all. Checked at send time, so an acknowledgement or
 * snooze given during the group wait still counts. A louder state always breaks through.
 */
export function suppressionFor(alert: AlertFacts, memory: DeliveryMemory, now: Date, policy: NoisePolicy = DEFAULT_NOISE_POLICY): Suppression {
  if (alert.kind === 'digest' || alert.kind === 'briefing') return null;
  if (alert.kind === 'all-clear') {
    return memory.lastSent === null || memory.lastSent.kind === 'all-clear' ? 'never-told' : null;
  }
  if (memory.snoozed && memory.snoozed.until > now && atLeastAsLoud(memory.snoozed.state, alert.state)) return 'snoozed';
  if (memory.acknowledged && atLeastAsLoud(memory.acknowledged.state, alert.state)) return 'acknowledged';
  const last = memory.lastSent;
  if (last && last.kind !== 'all-clear' && atLeastAsLoud(last.state, alert.state) && now.getTime() - last.at.getTime() < policy.repeatIntervalMs) return 'repeat';
  return null;
}

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

/** Local wall-clock minutes since midnight and the UTC offset of `at` in `timeZone`. */
function localClock(at: Date, timeZone: string): { minutes: number; offsetMs: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return { minutes: +parts.hour * 60 + +parts.minute, offsetMs: asUtc - Math.floor(at.getTime() / 1000) * 1000 };
}

/** When quiet hours covering `at` end (in the recipient's zone); `null` when `at` is not in them. */
export function quietHoursEnd(at: Date, quiet: QuietHours | null, timeZone: string): Date | null {
  if (!quiet) return null;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return null;
  const { minutes } = localClock(at, timeZone);
  const inside = start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
  if (!inside) return null;
  const wait = ((end - minutes + 24 * 60) % (24 * 60)) * 60_000;
  const candidate = new Date(Math.floor(at.getTime() / 60_000) * 60_000 + wait);
  // Across a daylight-saving change the wall clock shifts; correct by the offset difference.
  const drift = localClock(candidate, timeZone).offsetMs - localClock(at, timeZone).offsetMs;
  return new Date(candidate.getTime() - drift);
}

/**
 * When a mail that the grouping step would send at `groupDue` actually goes: held until quiet
 * hours end, unless it is urgent.
 */
export function sendTime(groupDue: Date, alert: AlertFacts, prefs: RecipientPreferences, accountTimeZone: string, now: Date, policy: NoisePolicy = DEFAULT_NOISE_POLICY): { dueAt: Date; held: boolean } {
  if (isUrgent(alert, now, policy) || alert.kind === 'digest') return { dueAt: groupDue, held: false };
  const end = quietHoursEnd(groupDue, prefs.quietHours, prefs.timeZone ?? accountTimeZone);
  return end ? { dueAt: end, held: true } : { dueAt: groupDue, held: false };
}

/** The recipient's local day (YYYY-MM-DD) once it is past the digest hour there; `null` before. */
export function digestDay(now: Date, timeZone: string, hour: number): string | null {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit' }).formatToParts(now).map((p) => [p.type, p.value]),
  );
  return Number(parts.hour) >= hour ? `${parts.year}-${parts.month}-${parts.day}` : null;
}
