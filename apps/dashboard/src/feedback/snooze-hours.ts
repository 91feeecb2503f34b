/** Snooze length in hours: 1 to 720 (30 days), 24 when not given. */
export function parseSnoozeHours(value: unknown): number | null {
  if (value === undefined || value === null || value === '') return 24;
  const hours = Number(value);
  return Number.isInteger(hours) && hours >= 1 && hours <= 720 ? hours : null;
}
