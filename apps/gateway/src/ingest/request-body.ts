import type { RawBodyRequest } from '@nestjs/common';
import { readJsonBody } from '@forewarn/ingest';
import { Problem } from '@forewarn/service-kit';
import type { Request } from 'express';
import getRawBody from 'raw-body';

/** How long the rest of a refused body may keep arriving before the connection is cut. */
export const DISCARD_MS = 2_000;

/**
 * After a 413 the rest of the body is thrown away as it arrives, never kept. Closing at once would
 * make a client that is still sending see a connection reset instead of the answer (and retry), so
 * the close lingers, as nginx's does: when Node ends the connection after the answer (the client
 * asked to close), it only stops writing, and the socket is closed once the body has ended, or
 * after DISCARD_MS at the latest. A connection the client keeps alive lives on once the body ended.
 */
function discardRest(request: Request): void {
  const socket = request.socket as Request['socket'] & { destroySoon?: () => void };
  const close = () => socket.destroy();
  const deadline = setTimeout(close, DISCARD_MS);
  deadline.unref();
  socket.once('close', () => clearTimeout(deadline));
  socket.destroySoon = () => {
    socket.end();
    if (request.complete) close();
  };
  request.once('end', () => (socket.writable ? clearTimeout(deadline) : close()));
  request.on('data', () => undefined);
  request.resume();
}

function tooLarge(request: Request, limitBytes: number): Problem {
  discardRest(request);
  return new Problem(413, 'Content Too Large', `The body is larger than ${limitBytes} bytes.`);
}

/** A declared Content-Length over the limit is refused at once, before anything is read or anyone authenticated. */
export function refuseOversizedBody(request: Request, limitBytes: number): void {
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > limitBytes) throw tooLarge(request, limitBytes);
}

/** The exact bytes of the body (signatures are computed over them), at most `limitBytes`: 413 beyond. */
export async function readRawBody(request: Request, limitBytes: number): Promise<Buffer> {
  refuseOversizedBody(request, limitBytes);
  try {
    return await getRawBody(request, { limit: limitBytes });
  } catch (error) {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') throw tooLarge(request, limitBytes);
    throw new Problem(400, 'Bad Request', `The body could not be read: ${(error as Error).message}.`);
  }
}

/** The body of a request, read once: a guard that checked a signature over it has read it already (`rawBody`). */
export async function bodyOf(request: RawBodyRequest<Request>, limitBytes: number): Promise<Buffer> {
  request.rawBody ??= await readRawBody(request, limitBytes);
  return request.rawBody;
}

export { MAX_JSON_DEPTH, nestsDeeperThan } from '@forewarn/ingest';

/** The body of `/v1/events` as JSON: `400 Malformed JSON` when it is not JSON, or nests too deep. */
export function parseJsonBody(body: Buffer): unknown {
  const read = readJsonBody(body);
  if (!read.ok) throw new Problem(400, 'Malformed JSON', read.detail);
  return read.value;
}

/** The media type of the request, lower-cased, without parameters; '' when there is none. */
export const mediaTypeOf = (request: Request): string => (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
