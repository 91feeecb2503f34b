import { HEALTH_STATES, type HealthState } from '@forewarn/contracts';

/** The word for a state as people read it: "at risk", never "at_risk" (UI.md). */
export const STATE_WORD: Record<HealthState, string> = { healthy: 'healthy', watch: 'watch', at_risk: 'at risk', firestorm: 'firestorm' };

/** State colours that pass WCAG AA as text on white (UI.md). */
export const STATE_COLOUR: Record<HealthState, string> = { healthy: '#1e7b34', watch: '#8a5a00', at_risk: '#b34700', firestorm: '#b3261e' };

export const isHealthState = (value: unknown): value is HealthState => (HEALTH_STATES as readonly unknown[]).includes(value);

/** Unknown or missing states read as healthy: an account nobody complained about. */
export const stateWord = (state: string | null | undefined): string => (isHealthState(state) ? STATE_WORD[state] : STATE_WORD.healthy);

export const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

const SEVERITY_WORD: Record<number, string> = { 1: 'critical', 2: 'high', 3: 'medium', 4: 'low' };
/** "critical" for 1 … "low" for 4; "unrated" when the support system did not say. */
export const severityWord = (severity: number | null | undefined): string => (severity ? SEVERITY_WORD[severity] ?? `severity ${severity}` : 'unrated');

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How long, roughly, in the largest unit that reads well: "45 min", "20 h", "3 days". */
export function duration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < MINUTE) return 'under a minute';
  if (abs < HOUR) return `${Math.round(abs / MINUTE)} min`;
  if (abs < 2 * DAY) return `${Math.round(abs / HOUR)} h`;
  if (abs < 60 * DAY) return plural(Math.round(abs / DAY), 'day');
  return plural(Math.round(abs / (30 * DAY)), 'month');
}

/** "in 20 h", "3 days ago", "just now". */
export function relativeTime(at: Date | string, now: Date): string {
  const delta = new Date(at).getTime() - now.getTime();
  if (Math.abs(delta) < MINUTE) return 'just now';
  return delta > 0 ? `in ${duration(delta)}` : `${duration(delta)} ago`;
}

/** A time zone the runtime knows, or UTC. */
export function validTimeZone(timeZone: string | null | undefined): string {
  if (!timeZone) return 'UTC';
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}

const dayKey = (d: Date, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);

/** "today", "tomorrow", "yesterday", or "Thu 26 Nov" (with the year when it is not this year). */
export function dayName(at: Date, now: Date, timeZone: string): string {
  const key = dayKey(at, timeZone);
  if (key === dayKey(now, timeZone)) return 'today';
  if (key === dayKey(new Date(now.getTime() + DAY), timeZone)) return 'tomorrow';
  if (key === dayKey(new Date(now.getTime() - DAY), timeZone)) return 'yesterday';
  const sameYear = key.slice(0, 4) === dayKey(now, timeZone).slice(0, 4);
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return [part('weekday'), part('day'), part('month'), sameYear ? '' : part('year')].filter(Boolean).join(' ');
}

export const clock = (at: Date, timeZone: string): string =>
  new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);

/** Absolute, in the reader's time zone: "tomorrow 10:00". */
export function absoluteTime(at: Date | string, now: Date, timeZone: string): string {
  const date = new Date(at);
  return `${dayName(date, now, timeZone)} ${clock(date, timeZone)}`;
}

/** Relative and absolute (UI.md): "tomorrow 10:00 (in 20 h)". */
export function when(at: Date | string, now: Date, timeZone: string): string {
  return `${absoluteTime(at, now, timeZone)} (${relativeTime(at, now)})`;
}

/** "Tue 24 Nov 2026, 09:15 CET" — for tooltips where precision matters. */
export function fullTime(at: Date | string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' }).format(new Date(at));
}

const MEETING_KIND_WORD: Record<string, string> = { proposal: 'proposal', qbr: 'QBR', renewal: 'renewal', demo: 'demo', other: 'meeting' };
export const meetingKindWord = (kind: string | null | undefined): string => (kind ? MEETING_KIND_WORD[kind] ?? kind : 'meeting');

/** A person as people name them: the name, else the e-mail address. */
export const personName = (person: { name?: string | null; email?: string | null } | null | undefined): string =>
  person?.name?.trim() || person?.email?.trim() || 'nobody';
