/** A query parameter that cannot be understood: the API answers 400 naming it, never 500. */
export class InvalidParameter extends Error {
  constructor(readonly parameter: string, readonly problem: string) {
    super(`${parameter} ${problem}`);
    this.name = 'InvalidParameter';
  }
}

/** What Express hands us for one query parameter. */
export type RawParam = string | string[] | Record<string, unknown> | Record<string, unknown>[] | undefined;

/** One text value: repeated parameters are joined with commas; objects (`a[b]=c`) are refused. */
export function text(name: string, value: RawParam, maxLength = 200): string | null {
  if (value === undefined) return null;
  const parts = Array.isArray(value) ? value : [value];
  if (parts.some((p) => typeof p !== 'string')) throw new InvalidParameter(name, 'must be plain text');
  const joined = (parts as string[]).map((p) => p.trim()).filter(Boolean).join(',');
  if (joined.length > maxLength) throw new InvalidParameter(name, `must be at most ${maxLength} characters`);
  return joined === '' ? null : joined;
}

const looseForm = (value: string): string => value.trim().toLowerCase().replace(/[\s_-]+/g, '_');

/** A comma-separated (or repeated) list of allowed values; case, spaces, hyphens and underscores do not matter ("at risk" = at_risk, "heads_up" = heads-up). */
export function list<T extends string>(name: string, value: RawParam, allowed: readonly T[]): T[] {
  const joined = text(name, value, 1000);
  if (joined === null) return [];
  const byForm = new Map(allowed.map((a) => [looseForm(a), a]));
  const items = joined.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = items.filter((item) => !byForm.has(looseForm(item)));
  if (unknown.length) throw new InvalidParameter(name, `has unknown value${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}; use ${allowed.join(', ')}`);
  return [...new Set(items.map((item) => byForm.get(looseForm(item)) as T))];
}

export function oneOf<T extends string>(name: string, value: RawParam, allowed: readonly T[], fallback: T): T {
  const items = list(name, value, allowed);
  if (items.length > 1) throw new InvalidParameter(name, `takes one value: ${allowed.join(', ')}`);
  return items[0] ?? fallback;
}

export function integer(name: string, value: RawParam, range: { min: number; max: number }, fallback: number): number {
  const raw = text(name, value, 20);
  if (raw === null) return fallback;
  if (!/^-?\d+$/.test(raw)) throw new InvalidParameter(name, `must be a whole number from ${range.min} to ${range.max}`);
  const n = Number(raw);
  if (n < range.min || n > range.max) throw new InvalidParameter(name, `must be from ${range.min} to ${range.max}`);
  return n;
}

export function boolean(name: string, value: RawParam, fallback: boolean): boolean {
  const raw = text(name, value, 10)?.toLowerCase() ?? null;
  if (raw === null) return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  throw new InvalidParameter(name, 'must be true or false');
}
