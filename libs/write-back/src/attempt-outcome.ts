import { NotThisVendorsCase, VendorError, type VendorFailure } from './vendor-api';

/** How the write-back worker retries. */
export interface RetryPolicy {
  /** The first retry after a failure; it doubles with each further attempt up to `maxBackoffMs`. */
  firstBackoffMs: number;
  maxBackoffMs: number;
  /** A note not written this long after it was asked for is given up (its meeting is likely over). */
  giveUpAfterMs: number;
}

/**
 * What became of one attempt to write a note, for the ledger:
 * - `written`: the vendor took it (or it was found on the case after an attempt whose end was not seen);
 * - `retry`: try again at `at`; `inDoubt` when the note may have been written all the same (a
 *   timeout or a 5xx on the very call that writes it), so the next attempt looks for it first;
 * - `failed`: for good (the vendor refused: 401, 403, 404, 422, …), not retried.
 */
export type AttemptOutcome =
  | { outcome: 'written'; found: boolean }
  | { outcome: 'retry'; at: Date; error: string; status: number | null; inDoubt: boolean; endpoint: EndpointHealth }
  | { outcome: 'failed'; error: string; status: number | null; endpoint: EndpointHealth };

/**
 * What a failed attempt says about the vendor's endpoint, for its circuit breaker: it answered
 * (`up`: a refusal is an answer), asked to wait (`busy`: 429), failed (`down`: 5xx, no answer), or
 * nothing (`unknown`: nothing was sent).
 */
export type EndpointHealth = 'up' | 'busy' | 'down' | 'unknown';

/** When a `429` (or `503`) says to come back: `Retry-After` in seconds or as a date, else Intercom's `X-RateLimit-Reset` (epoch seconds). */
export function retryAfterMs(headers: Readonly<Record<string, string | string[] | undefined>>, now: Date): number | null {
  const first = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const retryAfter = first('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now.getTime());
  }
  const reset = first('x-ratelimit-reset')?.trim();
  if (reset && /^\d{9,11}$/.test(reset)) return Math.max(0, Number(reset) * 1000 - now.getTime());
  return null;
}

/** A short text of what the vendor said was wrong (its JSON error), for the ledger; null when it said nothing readable. */
export function vendorErrorDetail(body: unknown): string | null {
  if (typeof body === 'string') return body.trim().slice(0, 200) || null;
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  const pick = (...values: unknown[]) => values.find((v): v is string => typeof v === 'string' && v.trim() !== '');
  const nested = (v: unknown, key: string) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined);
  const firstOf = (v: unknown) => (Array.isArray(v) ? v[0] : undefined);
  const text = pick(
    b.description, nested(b.error, 'message'), nested(b.error, 'detail'), b.message, firstOf(b.errorMessages),
    nested(firstOf(b.errors), 'message'), b.error_description, typeof b.error === 'string' ? b.error : undefined,
  );
  return text ? text.trim().replace(/\s+/g, ' ').slice(0, 200) : null;
}

/** "401 from Zendesk", "Zendesk did not answer within 10000 ms": what the account page and the ledger say. */
export function describeFailure(failure: VendorFailure, vendorName: string): string {
  switch (failure.kind) {
    case 'status': return `${failure.status} from ${vendorName}${failure.detail ? ` (${failure.detail})` : ''}`;
    case 'timeout': return `${vendorName} did not answer within ${failure.timeoutMs} ms`;
    case 'network': return `${vendorName} unreachable: ${failure.message}`;
    case 'refused': return failure.message;
  }
}

const backoff = (attempts: number, policy: RetryPolicy): number => Math.min(policy.maxBackoffMs, policy.firstBackoffMs * 2 ** Math.max(0, Math.min(attempts - 1, 20)));

/**
 * What an attempt that threw `error` means: `429` waits as the vendor says; `5xx`, timeouts and
 * lost connections back off (and may have written the note if the writing call failed); a
 * refusal (`4xx`, a redirect, an address that is not public, a case that is not the vendor's) is
 * final. Past `giveUpAfterMs` since the note was asked for, a retry becomes a failure.
 */
export function outcomeOfFailure(error: unknown, context: { vendorName: string; attempts: number; createdAt: Date; now: Date; policy: RetryPolicy }): AttemptOutcome {
  const { vendorName, attempts, createdAt, now, policy } = context;
  if (error instanceof NotThisVendorsCase) return { outcome: 'failed', error: error.message, status: null, endpoint: 'unknown' };
  if (!(error instanceof VendorError)) return { outcome: 'failed', error: `${vendorName}: ${(error as Error).message}`.slice(0, 300), status: null, endpoint: 'unknown' };
  const { failure } = error;
  const text = describeFailure(failure, vendorName);
  const status = failure.kind === 'status' ? failure.status : null;
  if (failure.kind === 'refused') return { outcome: 'failed', error: text, status, endpoint: 'unknown' };
  const rateLimited = status === 429;
  const endpoint: EndpointHealth = rateLimited ? 'busy' : status === null || status === 408 || status >= 500 ? 'down' : 'up';
  if (endpoint === 'up') return { outcome: 'failed', error: text, status, endpoint };
  const waitMs = (failure.kind === 'status' ? failure.retryAfterMs : null) ?? backoff(attempts, policy);
  const at = new Date(now.getTime() + Math.max(1_000, waitMs));
  if (at.getTime() - createdAt.getTime() > policy.giveUpAfterMs) {
    return { outcome: 'failed', error: `gave up after ${Math.round((policy.giveUpAfterMs / 3_600_000) * 10) / 10} h: ${text}`, status, endpoint };
  }
  // A 429 or a 408 says the call was not taken; anything else on the writing call may have written the note.
  const inDoubt = error.purpose === 'note' && !rateLimited && status !== 408;
  return { outcome: 'retry', at, error: text, status, inDoubt, endpoint };
}
