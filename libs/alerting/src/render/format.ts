import type { HealthState } from '@forewarn/contracts';

/** The word for a state, as people read it: "at risk", never "at_risk" (UI.md). */
export const STATE_WORD: Record<HealthState, string> = { healthy: 'healthy', watch: 'watch', at_risk: 'at risk', firestorm: 'firestorm' };

/** State colours that pass WCAG AA as text on white (UI.md). */
export const STATE_COLOUR: Record<HealthState, string> = { healthy: '#1e7b34', watch: '#8a5a00', at_risk: '#b34700', firestorm: '#b3261e' };

export const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
export const stateTitle = (state: HealthState): string => capitalise(STATE_WORD[state]);

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Everything from a support system is text, never HTML. */
export const escapeHtml = (value: unknown): string => String(value ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);

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

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Zones and options come from a small set, but a zone's spelling comes from a cookie: bound the cache anyway. */
const MAX_FORMATTERS = 500;

/**
 * A shared `Intl.DateTimeFormat` for these options. Constructing one costs ~0.1 ms and ICU memory
 * outside the JavaScript heap, which the garbage collector frees late: the dashboard built up to six
 * per time it printed, thousands per page, and grew to 1.8 GB RSS rendering account pages
 * (docs/BENCHMARKS.md, "Dashboard API"). Formatting with a cached one costs ~1 µs.
 * Throws like the constructor for an unknown time zone (and caches nothing then).
 */
export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale} ${JSON.stringify(options)}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale, options);
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    formatters.set(key, formatter);
  }
  return formatter;
}

/** A time zone the runtime knows, or UTC. */
export function validTimeZone(timeZone: string | null | undefined): string {
  if (!timeZone) return 'UTC';
  try {
    dateTimeFormat('en-GB', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}

const dayKey = (d: Date, timeZone: string) => dateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);

/** "today", "tomorrow", "yesterday", or "Thu 26 Nov" (with the year when it is not this year). */
export function dayName(at: Date, now: Date, timeZone: string): string {
  const key = dayKey(at, timeZone);
  if (key === dayKey(now, timeZone)) return 'today';
  if (key === dayKey(new Date(now.getTime() + DAY), timeZone)) return 'tomorrow';
  if (key === dayKey(new Date(now.getTime() - DAY), timeZone)) return 'yesterday';
  const sameYear = key.slice(0, 4) === dayKey(now, timeZone).slice(0, 4);
  const parts = dateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return [part('weekday'), part('day'), part('month'), sameYear ? '' : part('year')].filter(Boolean).join(' ');
}

export const clock = (at: Date, timeZone: string): string =>
  dateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);

/** Absolute, in the reader's time zone: "tomorrow 10:00". */
export function absoluteTime(at: Date | string, now: Date, timeZone: string): string {
  const date = new Date(at);
  return `${dayName(date, now, timeZone)} ${clock(date, timeZone)}`;
}

/** Relative and absolute (UI.md): "tomorrow 10:00 (in 20 h)". */
export function when(at: Date | string, now: Date, timeZone: string): string {
  return `${absoluteTime(at, now, timeZone)} (${relativeTime(at, now)})`;
}

/** How long something has been going on: "3 days", "5 h". */
export function durationSince(since: Date, now: Date): string {
  return duration(now.getTime() - since.getTime());
}

/** For mails, where the reader's zone may be unknown: `when`, saying so when it fell back to UTC. */
export function meetingTime(at: Date, now: Date, timeZone: string | null): string {
  const zone = validTimeZone(timeZone);
  const text = when(at, now, zone);
  return zone === 'UTC' ? text.replace(/ \(/, ' UTC (') : text;
}
