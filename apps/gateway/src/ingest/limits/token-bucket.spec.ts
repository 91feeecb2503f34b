import { RateLimits, TokenBucket } from './token-bucket';

describe('token bucket rate limit', () => {
  it('allows a burst, then refuses with the seconds until the next token', () => {
    const bucket = new TokenBucket(2, 3, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(bucket.take(0)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(bucket.take(499)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(bucket.take(500)).toEqual({ ok: true });
  });

  it('says how long to wait when the rate is below one per second', () => {
    const bucket = new TokenBucket(0.25, 1, 0);
    expect(bucket.take(0)).toEqual({ ok: true });
    expect(bucket.take(0)).toEqual({ ok: false, retryAfterSeconds: 4 });
    expect(bucket.take(3000)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(bucket.take(4000)).toEqual({ ok: true });
  });

  it('refills at most to the burst size, and a clock going backwards does not mint tokens', () => {
    const bucket = new TokenBucket(10, 2, 0);
    expect(bucket.take(60_000)).toEqual({ ok: true });
    expect(bucket.take(60_000)).toEqual({ ok: true });
    expect(bucket.take(60_000).ok).toBe(false);
    expect(bucket.take(1_000).ok).toBe(false);
  });

  it('keeps one bucket per source, and forgets idle ones', () => {
    let now = 0;
    const limits = new RateLimits(1, 1, () => now);
    expect(limits.take('zendesk-eu').ok).toBe(true);
    expect(limits.take('zendesk-eu').ok).toBe(false);
    expect(limits.take('jira').ok).toBe(true);
    expect(limits.size).toBe(2);
    now = 120_000;
    expect(limits.take('freshdesk').ok).toBe(true);
    expect(limits.size).toBe(1);
  });
});
