const HOUR_MS = 3_600_000;

/**
 * A time zone in which it is morning (08:00–08:59) at `now`, as an `Etc/GMT±N` zone. Browser tests
 * read in it, so "a meeting in 20 hours" is "tomorrow" whatever the hour the suite runs at (in UTC
 * it would be "today" from midnight to 04:00, and "tomorrow" only after).
 */
export function morningTimeZone(now = new Date(), localHour = 8): string {
  let offset = localHour - now.getUTCHours();
  if (offset < -12) offset += 24;
  if (offset > 14) offset -= 24;
  // The Etc zones' signs are inverted (POSIX): Etc/GMT-9 is nine hours ahead of UTC.
  return offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

export const hoursFrom = (now: Date, hours: number): Date => new Date(now.getTime() + hours * HOUR_MS);
