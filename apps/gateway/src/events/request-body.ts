import { Problem } from '@forewarn/service-kit';
import type { Request } from 'express';
import getRawBody from 'raw-body';

/** The exact bytes of the body (signatures are computed over them), at most `limitBytes`: 413 beyond. */
export async function readRawBody(request: Request, limitBytes: number): Promise<Buffer> {
  try {
    return await getRawBody(request, { limit: limitBytes });
  } catch (error) {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') throw new Problem(413, 'Content Too Large', `The body is larger than ${limitBytes} bytes.`);
    throw new Problem(400, 'Bad Request', `The body could not be read: ${(error as Error).message}.`);
  }
}

/** Deeper than any real event or vendor webhook; deeper values would overflow later serialisation. */
export const MAX_JSON_DEPTH = 64;

/** How deeply arrays and objects nest in JSON text (brackets inside strings do not count). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

export function parseJsonBody(body: Buffer): unknown {
  const text = body.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Problem(400, 'Malformed JSON', `The body is not valid JSON: ${(error as Error).message}.`);
  }
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new Problem(400, 'Malformed JSON', `The body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep.`);
  }
  return value;
}

/** The media type of the request, lower-cased, without parameters; '' when there is none. */
export const mediaTypeOf = (request: Request): string => (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
