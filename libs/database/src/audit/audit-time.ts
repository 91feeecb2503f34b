const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
const ISO = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * A point in time as operators write it for `--since` or `?since=`: an ISO date (`2026-01-31`,
 * midnight UTC), an ISO date and time (`2026-01-31T09:00:00Z`; without a zone, UTC), or a span
 * back from now (`30m`, `24h`, `7d`). Null when it is none of these.
 */
export function parseAuditTime(value: string, now: Date): Date | null {
  const text = value.trim();
  const relative = /^(\d{1,6})([mhd])$/i.exec(text);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * UNIT_MS[relative[2].toLowerCase()]);
  const iso = ISO.exec(text);
  if (!iso) return null;
  const [, date, time, zone] = iso;
  const day = new Date(`${date}T00:00Z`);
  if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== date) return null; // 2026-02-30
  const parsed = new Date(`${date}T${time ?? '00:00'}${zone ?? 'Z'}`);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}

export const AUDIT_TIME_FORMS = 'an ISO date or time (2026-01-31, 2026-01-31T09:00:00Z) or a span back from now (30m, 24h, 7d)';
