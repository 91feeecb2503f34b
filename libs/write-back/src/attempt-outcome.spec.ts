import { outcomeOfFailure, retryAfterMs, vendorErrorDetail } from './attempt-outcome';
import { NotThisVendorsCase, VendorError } from './vendor-api';

const now = new Date('2026-11-25T10:00:00Z');
const policy = { firstBackoffMs: 10_000, maxBackoffMs: 900_000, giveUpAfterMs: 24 * 3_600_000 };
const context = (attempts = 1, createdAt = now) => ({ vendorName: 'Zendesk', attempts, createdAt, now, policy });
const status = (code: number, purpose: 'note' | 'lookup' | 'tag' = 'note', retryAfter: number | null = null, detail: string | null = null) =>
  new VendorError({ kind: 'status', status: code, retryAfterMs: retryAfter, detail }, purpose);

describe('what a failed write-back attempt means', () => {
  it('waits as long as a 429 says, and knows the note was not written', () => {
    expect(outcomeOfFailure(status(429, 'note', 30_000), context())).toEqual({ outcome: 'retry', at: new Date('2026-11-25T10:00:30Z'), error: '429 from Zendesk', status: 429, inDoubt: false, endpoint: 'busy' });
  });

  it('backs off after a 5xx or a timeout, doubling up to the cap, and doubts a note whose writing call failed', () => {
    expect(outcomeOfFailure(status(503), context(1))).toMatchObject({ outcome: 'retry', at: new Date('2026-11-25T10:00:10Z'), inDoubt: true, error: '503 from Zendesk', endpoint: 'down' });
    expect(outcomeOfFailure(status(502, 'lookup'), context(3))).toMatchObject({ outcome: 'retry', at: new Date('2026-11-25T10:00:40Z'), inDoubt: false });
    expect(outcomeOfFailure(new VendorError({ kind: 'timeout', timeoutMs: 10_000 }, 'note'), context(30))).toMatchObject({ outcome: 'retry', at: new Date('2026-11-25T10:15:00Z'), inDoubt: true, error: 'Zendesk did not answer within 10000 ms' });
  });

  it('gives up for good on a refusal, naming the status and what the vendor said', () => {
    expect(outcomeOfFailure(status(401), context())).toEqual({ outcome: 'failed', error: '401 from Zendesk', status: 401, endpoint: 'up' });
    expect(outcomeOfFailure(status(422, 'note', null, 'Status: closed prevents ticket update'), context())).toEqual({ outcome: 'failed', error: '422 from Zendesk (Status: closed prevents ticket update)', status: 422, endpoint: 'up' });
    expect(outcomeOfFailure(new VendorError({ kind: 'refused', message: 'refused: the address is not on the public internet' }, 'note'), context())).toMatchObject({ outcome: 'failed', error: 'refused: the address is not on the public internet' });
    expect(outcomeOfFailure(new NotThisVendorsCase('FD-1', 'Zendesk', 'ticket'), context())).toMatchObject({ outcome: 'failed', error: 'FD-1 names no Zendesk ticket' });
  });

  it('gives up a note that could not be written for a day', () => {
    const yesterday = new Date(now.getTime() - 24 * 3_600_000 + 5_000);
    expect(outcomeOfFailure(status(503), context(40, yesterday))).toEqual({ outcome: 'failed', error: 'gave up after 24 h: 503 from Zendesk', status: 503, endpoint: 'down' });
  });
});

describe('when a vendor says to come back', () => {
  it('reads Retry-After in seconds or as a date, and Intercom\'s X-RateLimit-Reset', () => {
    expect(retryAfterMs({ 'retry-after': '93' }, now)).toBe(93_000);
    expect(retryAfterMs({ 'retry-after': 'Wed, 25 Nov 2026 10:01:00 GMT' }, now)).toBe(60_000);
    expect(retryAfterMs({ 'x-ratelimit-reset': String(now.getTime() / 1000 + 10) }, now)).toBe(10_000);
    expect(retryAfterMs({}, now)).toBeNull();
  });

  it('keeps a short version of the vendor\'s own error', () => {
    expect(vendorErrorDetail({ error: 'RecordInvalid', description: 'Record validation errors' })).toBe('Record validation errors');
    expect(vendorErrorDetail({ errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} })).toBe('Issue does not exist or you do not have permission to see it.');
    expect(vendorErrorDetail({ error: { message: 'User Not Authenticated', detail: 'Required to provide Auth information' }, status: 'failure' })).toBe('User Not Authenticated');
    expect(vendorErrorDetail({ type: 'error.list', errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }] })).toBe('Access Token Invalid');
    expect(vendorErrorDetail(null)).toBeNull();
  });
});
