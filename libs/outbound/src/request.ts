import { type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { checkOutboundUrl, NOT_PUBLIC, type OutboundPolicy } from './policy';
import { guardedLookup, OutboundRefusedError, type Resolver, systemResolver } from './resolve';

export interface OutboundRequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH';
  headers?: Record<string, string>;
  body?: string;
  /** For the whole call, from connecting to the last byte. */
  timeoutMs: number;
  /** The largest body read; 0 reads none (the status is all the caller wants). */
  maxBytes: number;
  policy: OutboundPolicy;
  /** Tests replace DNS; everyone else resolves with the system. */
  resolver?: Resolver;
}

export interface OutboundResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * Why a call did not return a response. `refused`: the address is not public, nothing was sent; the
 * message says only that, `detail` which address and why (for operators' logs and the person who typed it).
 */
export type OutboundFailure = 'refused' | 'timeout' | 'too_large' | 'network';

export class OutboundError extends Error {
  constructor(readonly kind: OutboundFailure, message: string, readonly detail?: string) {
    super(message);
    this.name = 'OutboundError';
  }
}

/**
 * One HTTP(S) request to the public internet: the URL is checked first, the name is resolved and
 * checked by the socket's own lookup (so the address connected to is the one checked), redirects
 * are returned, never followed, and time and body size are capped. Throws an OutboundError.
 */
export function outboundRequest(target: string | URL, options: OutboundRequestOptions): Promise<OutboundResponse> {
  const checked = checkOutboundUrl(target, options.policy);
  if (!checked.ok) {
    return Promise.reject(checked.notPublic ? new OutboundError('refused', `refused: ${NOT_PUBLIC}`, checked.detail) : new OutboundError('network', `the address ${checked.reason}`));
  }
  const { url } = checked;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  return new Promise<OutboundResponse>((resolve, reject) => {
    let settled = false;
    const finish = (error: OutboundError | null, response?: OutboundResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(response as OutboundResponse);
    };
    const req = send(url, {
      method: options.method ?? 'GET',
      headers: { ...options.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
      agent: false,
      lookup: guardedLookup(options.policy, options.resolver ?? systemResolver) as never,
    });
    const timer = setTimeout(() => {
      finish(new OutboundError('timeout', `no answer within ${options.timeoutMs} ms`));
      req.destroy();
    }, options.timeoutMs);

    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error instanceof OutboundRefusedError) finish(new OutboundError('refused', `refused: ${error.message}`, error.detail));
      else finish(new OutboundError('network', error.code ?? error.message));
    });
    req.on('response', (response) => {
      const status = response.statusCode ?? 0;
      if (options.maxBytes === 0) {
        response.destroy();
        finish(null, { status, headers: response.headers, body: Buffer.alloc(0) });
        return;
      }
      const declared = Number(response.headers['content-length'] ?? '0');
      if (declared > options.maxBytes) {
        response.destroy();
        finish(new OutboundError('too_large', `larger than ${options.maxBytes} bytes`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) {
          response.destroy();
          finish(new OutboundError('too_large', `larger than ${options.maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      response.on('error', (error: NodeJS.ErrnoException) => finish(new OutboundError('network', error.code ?? error.message)));
      response.on('end', () => finish(null, { status, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('close', () => {
        if (!response.complete) finish(new OutboundError('network', 'the connection closed before the whole answer arrived'));
      });
    });
    req.end(body);
  });
}

/** Statuses that point elsewhere with a Location header. */
export const isRedirect = (status: number): boolean => [301, 302, 303, 307, 308].includes(status);
