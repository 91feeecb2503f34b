/**
 * How failed sign-ins slow the next attempt down: the first `freeFailures` cost nothing, then each
 * further failure doubles the wait, from `baseMs` up to `maxMs` — minutes, never hours, so whoever
 * guesses at someone's account cannot lock them out for long. A quiet `forgetAfterMs` after the last
 * failure, the count starts again; a success resets it at once.
 */
export interface BackoffPolicy {
  freeFailures: number;
  baseMs: number;
  maxMs: number;
  forgetAfterMs: number;
}

/** The failures counted so far against one account or one client address. */
export interface FailureCount {
  failures: number;
  lastFailureAt: number;
}

export const DAY_MS = 24 * 3_600_000;

/** How long after the last of `failures` failures the next attempt has to wait. */
export function waitAfter(failures: number, policy: BackoffPolicy): number {
  if (failures < policy.freeFailures) return 0;
  const doublings = Math.min(failures - policy.freeFailures, 40);
  return Math.min(policy.maxMs, policy.baseMs * 2 ** doublings);
}

/** The failures that still count at `now` (none once forgotten). */
export function liveFailures(count: FailureCount | null | undefined, now: number, policy: BackoffPolicy): number {
  if (!count || now - count.lastFailureAt >= policy.forgetAfterMs) return 0;
  return count.failures;
}

/** Milliseconds until another attempt is allowed; 0 when it is allowed now. */
export function retryAfterMs(count: FailureCount | null | undefined, now: number, policy: BackoffPolicy): number {
  const failures = liveFailures(count, now, policy);
  if (failures === 0 || !count) return 0;
  return Math.max(0, count.lastFailureAt + waitAfter(failures, policy) - now);
}

/** Whole seconds for `Retry-After`, never 0 while waiting. */
export const retryAfterSeconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));
