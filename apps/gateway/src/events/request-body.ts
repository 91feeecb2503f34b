import { Problem } from '@forewarn/service-kit';
import type { Request } from 'express';
import getRawBody from 'raw-body';

/**
 * A body over the limit: the connection is closed after the answer, so that Node does not read
 * (and throw away) the rest of a body nobody wants.
 */
const tooLarge = (limitBytes: number) => new Problem(413, 'Content Too Large', `The body is larger than ${limitBytes} bytes.`, { headers: { Connection: 'close' } });

/** A declared Content-Length over the limit is refused at once, before anything is read or anyone authenticated. */
export function refuseOversizedBody(request: Request, limitBytes: number): void {
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > limitBytes) throw tooLarge(limitBytes);
}

/** The exact bytes of the body (signatures are computed over them), at most `limitBytes`: 413 beyond. */
export async function readRawBody(request: Request, limitBytes: number): Promise<Buffer> {
  refuseOversizedBody(request, limitBytes);
  try {
    return await getRawBody(request, { limit: limitBytes });
  } catch (error) {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') throw tooLarge(limitBytes);
    throw new Problem(400, 'Bad Request', `The body could not be read: ${(error as Error).message}.`);
  }
}

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

export function parseJsonBody(body: Buffer): unknown {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new Problem(400, 'Malformed JSON', `The body is not valid JSON: ${(error as Error).message}.`);
  }
  if (nestsDeeperThan(value, MAX_JSON_DEPTH)) {
    throw new Problem(400, 'Malformed JSON', `The body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep.`);
  }
  return value;
}

/** The media type of the request, lower-cased, without parameters; '' when there is none. */
export const mediaTypeOf = (request: Request): string => (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
