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

export function parseJsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new Problem(400, 'Malformed JSON', `The body is not valid JSON: ${(error as Error).message}.`);
  }
}

/** The media type of the request, lower-cased, without parameters; '' when there is none. */
export const mediaTypeOf = (request: Request): string => (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
