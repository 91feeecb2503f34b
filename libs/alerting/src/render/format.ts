import type { HealthState } from '@forewarn/contracts';

/** The word for a state, as people read it: "at risk", never "at_risk" (UI.md). */
export const STATE_WORD: Record<HealthState, string> = { healthy: 'healthy', watch: 'watch', at_risk: 'at risk', firestorm: 'firestorm' };

/** State colours that pass WCAG AA as text on white (UI.md). */
export const STATE_COLOUR: Record<HealthState, string> = { healthy: '#1e7b34', watch: '#8a5a00', at_risk: '#b34700', firestorm: '#b3261e' };

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
export const stateTitle = (state: HealthState): string => capitalise(STATE_WORD[state]);

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Everything from a support system is text, never HTML. */
export const escapeHtml = (value: unknown): string => String(value ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "in 20 h", "3 days ago", "in 5 min": how far `at` is from `now`, roughly. */
export function relativeTime(at: Date, now: Date): string {
  const delta = at.getTime() - now.getTime();
  const abs = Math.abs(delta);
  const amount = abs < HOUR ? `${Math.max(1, Math.round(abs / MINUTE))} min` : abs < 2 * DAY ? `${Math.round(abs / HOUR)} h` : `${Math.round(abs / DAY)} days`;
  return delta >= 0 ? `in ${amount}` : `${amount} ago`;
}

/** How long something has been going on: "3 days", "5 h". */
export function durationSince(since: Date, now: Date): string {
  return relativeTime(since, now).replace(/ ago$/, '').replace(/^in /, '');
}

/** A calendar day name relative to `now` in the reader's time zone: "today", "tomorrow", or "Thu 26 Nov". */
function dayName(at: Date, now: Date, timeZone: string): string {
  const day = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
  if (day(at) === day(now)) return 'today';
  if (day(at) === day(new Date(now.getTime() + DAY))) return 'tomorrow';
  if (day(at) === day(new Date(now.getTime() - DAY))) return 'yesterday';
  return new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short' }).format(at);
}

/** Relative and absolute, in the reader's time zone (UI.md): "tomorrow 10:00 (in 20 h)". */
export function meetingTime(at: Date, now: Date, timeZone: string | null): string {
  const zone = validTimeZone(timeZone);
  const clock = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
  const zoneNote = zone === 'UTC' ? ' UTC' : '';
  return `${dayName(at, now, zone)} ${clock}${zoneNote} (${relativeTime(at, now)})`;
}

export function validTimeZone(timeZone: string | null | undefined): string {
  if (!timeZone) return 'UTC';
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}
