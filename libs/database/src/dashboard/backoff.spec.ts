import { type BackoffPolicy, DAY_MS, retryAfterMs, retryAfterSeconds, waitAfter } from './backoff';

const policy: BackoffPolicy = { freeFailures: 5, baseMs: 30_000, maxMs: 15 * 60_000, forgetAfterMs: DAY_MS };
const MINUTE = 60_000;

describe('the wait after failed sign-ins', () => {
  it('lets the first few mistakes go without any wait', () => {
    for (let failures = 0; failures < 5; failures += 1) expect(waitAfter(failures, policy)).toBe(0);
  });

  it('then doubles with every further failure', () => {
    expect([5, 6, 7, 8].map((n) => waitAfter(n, policy))).toEqual([30_000, 60_000, 120_000, 240_000]);
  });

  it('is capped at minutes, however many failures there were', () => {
    expect(waitAfter(40, policy)).toBe(15 * MINUTE);
    expect(waitAfter(1_000_000, policy)).toBe(15 * MINUTE);
  });

  it('counts from the last failure, so it shrinks while the guesser waits', () => {
    const now = 1_000_000_000;
    expect(retryAfterMs({ failures: 7, lastFailureAt: now - 20_000 }, now, policy)).toBe(100_000);
    expect(retryAfterMs({ failures: 7, lastFailureAt: now - 120_000 }, now, policy)).toBe(0);
    expect(retryAfterMs({ failures: 4, lastFailureAt: now }, now, policy)).toBe(0);
    expect(retryAfterMs(null, now, policy)).toBe(0);
  });

  it('forgets old failures after a quiet day', () => {
    const now = 5 * DAY_MS;
    expect(retryAfterMs({ failures: 40, lastFailureAt: now - DAY_MS }, now, { ...policy, maxMs: 2 * DAY_MS })).toBe(0);
    expect(retryAfterMs({ failures: 40, lastFailureAt: now - DAY_MS + 1 }, now, { ...policy, maxMs: 2 * DAY_MS })).toBeGreaterThan(0);
  });

  it('asks for at least one whole second in Retry-After', () => {
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(1_001)).toBe(2);
    expect(retryAfterSeconds(120_000)).toBe(120);
  });
});
