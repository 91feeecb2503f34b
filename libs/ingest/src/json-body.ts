import type { FieldError } from '@forewarn/contracts';

/** Deeper than any real event or vendor webhook; deeper values would overflow later serialisation. */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether arrays and objects nest more than `limit` levels in a parsed JSON value. Walking the
 * parsed value is several times cheaper than scanning the text, and stops at `limit` levels.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (limit === 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (nestsDeeperThan(value[i], limit - 1)) return true;
    return false;
  }
  for (const key in value) if (nestsDeeperThan((value as Record<string, unknown>)[key], limit - 1)) return true;
  return false;
}

/** A JSON body, or why it is not one (`400 Malformed JSON`): not JSON at all, or nested deeper than MAX_JSON_DEPTH. */
export function readJsonBody(body: Buffer): { ok: true; value: unknown } | { ok: false; detail: string; errors?: FieldError[] } {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (error) {
    return { ok: false, detail: `The body is not valid JSON: ${(error as Error).message}.` };
  }
  if (nestsDeeperThan(value, MAX_JSON_DEPTH)) return { ok: false, detail: `The body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep.` };
  return { ok: true, value };
}
