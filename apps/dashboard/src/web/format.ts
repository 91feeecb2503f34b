import { dateTimeFormat, STATE_WORD } from '@forewarn/alerting';
import { HEALTH_STATES, type HealthState } from '@forewarn/contracts';

// Words, colours and times read the same in mails and on the dashboard: one implementation.
export { absoluteTime, capitalise, clock, dateTimeFormat, dayName, duration, plural, relativeTime, STATE_COLOUR, STATE_WORD, validTimeZone, when } from '@forewarn/alerting';

export const isHealthState = (value: unknown): value is HealthState => (HEALTH_STATES as readonly unknown[]).includes(value);

/** Unknown or missing states read as healthy: an account nobody complained about. */
export const stateWord = (state: string | null | undefined): string => (isHealthState(state) ? STATE_WORD[state] : STATE_WORD.healthy);


const SEVERITY_WORD: Record<number, string> = { 1: 'critical', 2: 'high', 3: 'medium', 4: 'low' };
/** "critical" for 1 … "low" for 4; "unrated" when the support system did not say. */
export const severityWord = (severity: number | null | undefined): string => (severity ? SEVERITY_WORD[severity] ?? `severity ${severity}` : 'unrated');

/** "Tue 24 Nov 2026, 09:15 CET" — for tooltips where precision matters. */
export function fullTime(at: Date | string, timeZone: string): string {
  return dateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' }).format(new Date(at));
}

const MEETING_KIND_WORD: Record<string, string> = { proposal: 'proposal', qbr: 'QBR', renewal: 'renewal', demo: 'demo', other: 'meeting' };
export const meetingKindWord = (kind: string | null | undefined): string => (kind ? MEETING_KIND_WORD[kind] ?? kind : 'meeting');

/** A person as people name them: the name, else the e-mail address. */
export const personName = (person: { name?: string | null; email?: string | null } | null | undefined): string =>
  person?.name?.trim() || person?.email?.trim() || 'nobody';

/** How long to wait, as people say it: "45 seconds", "1 minute", "2 minutes" (minutes rounded up). */
export function waitInWords(seconds: number): string {
  const whole = Math.max(1, Math.ceil(seconds));
  if (whole < 60) return `${whole} second${whole === 1 ? '' : 's'}`;
  const minutes = Math.ceil(whole / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
