/* Wall-clock times in IANA zones, through the platform's tz database (Intl). Pure. */

/** Offset of a time zone from UTC at an instant, in milliseconds (via the platform's tz database). */
function zoneOffsetMs(timeZone: string, utcMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second')) - utcMs;
}

export const knownZone = (timeZone: string | undefined): timeZone is string => {
  if (!timeZone) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
};

/** Wall-clock time in an IANA zone → epoch milliseconds (DST-correct, ambiguous times take the earlier). */
export function zonedTimeToUtc(fields: { year: number; month: number; day: number; hour: number; minute: number; second: number }, timeZone: string): number {
  const guess = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second);
  const first = zoneOffsetMs(timeZone, guess - zoneOffsetMs(timeZone, guess));
  const utc = guess - first;
  const second = zoneOffsetMs(timeZone, utc);
  return second === first ? utc : guess - second;
}
