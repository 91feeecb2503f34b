import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { isTransientDatabaseError } from './transient-errors';

export interface FieldProblem {
  field: string;
  message: string;
}

/** An RFC 9457 problem: what HTTP edges throw; the filter below renders it as problem+json. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly extra: { errors?: FieldProblem[]; headers?: Record<string, string>; [key: string]: unknown } = {},
  ) {
    super(detail);
    this.name = 'Problem';
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  413: 'Content Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests', 503: 'Service Unavailable',
};

/** Seconds a client is asked to wait when a dependency is down (`Retry-After`). */
const RETRY_AFTER_SECONDS = '5';

/**
 * A request that failed because PostgreSQL is unreachable or restarting (not because of what was
 * asked) is a 503 the client can retry, not an unexpected 500. Null for any other error.
 */
export function dependencyOutage(error: unknown): Problem | null {
  if (error instanceof Problem || error instanceof HttpException || !isTransientDatabaseError(error)) return null;
  return new Problem(503, 'Service Unavailable', 'The database is unavailable right now; retry later.', { headers: { 'Retry-After': RETRY_AFTER_SECONDS } });
}

/**
 * Every error leaves as `application/problem+json` with a human-readable detail. Unexpected
 * errors become a 500 carrying an error id that is also in the log, never a stack trace.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(caught: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<{ url?: string }>();
    const outage = dependencyOutage(caught);
    if (outage) this.logger.warn({ msg: 'answered 503: the database is unavailable', url: request.url, error: (caught as Error).message });
    const error = outage ?? caught;
    let status = 500;
    let body: Record<string, unknown>;
    let headers: Record<string, string> = {};
    if (error instanceof Problem) {
      status = error.status;
      const { headers: extraHeaders, ...extra } = error.extra;
      headers = extraHeaders ?? {};
      body = { type: 'about:blank', title: error.title, status, detail: error.detail, ...extra };
    } else if (error instanceof HttpException) {
      status = error.getStatus();
      const payload = error.getResponse();
      const detail = typeof payload === 'string' ? payload : String((payload as { message?: unknown }).message ?? error.message);
      body = { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail };
    } else {
      const errorId = randomUUID();
      this.logger.error({ msg: 'unhandled error', errorId, url: request.url, error: (error as Error)?.stack ?? String(error) });
      body = { type: 'about:blank', title: 'Internal Server Error', status, detail: `An unexpected error occurred; quote error id ${errorId}.`, errorId };
    }
    if (body.instance === undefined && request.url) body.instance = request.url.split('?')[0];
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    response.status(status).type('application/problem+json').send(JSON.stringify(body));
  }
}
