import { signLink, verifyLink } from './signed-links';

const secret = 'a-test-secret-of-enough-length-000000';
const now = new Date('2026-11-25T10:00:00Z');
const ack = { action: 'ack' as const, alertId: 'a1', accountId: 'northwind', email: 'riley@sales.example' };

describe('one-click links in mails', () => {
  it('carry what to do and for whom, and verify with the same secret', () => {
    const token = signLink(ack, new Date('2026-12-02T10:00:00Z'), secret);
    expect(verifyLink(token, secret, now)).toEqual({ ok: true, link: { ...ack, expiresAt: Date.parse('2026-12-02T10:00:00Z') } });
  });

  it('stop working when they expire', () => {
    const token = signLink({ ...ack, action: 'snooze', hours: 24 }, new Date('2026-11-25T09:59:59Z'), secret);
    expect(verifyLink(token, secret, now)).toEqual({ ok: false, problem: 'expired' });
  });

  it('refuse a token someone edited or signed with another secret', () => {
    const token = signLink(ack, new Date('2026-12-02T10:00:00Z'), secret);
    const [payload, signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...ack, email: 'mallory@evil.example', expiresAt: 1900000000 })).toString('base64url');
    expect(verifyLink(`${forged}.${signature}`, secret, now)).toEqual({ ok: false, problem: 'bad-signature' });
    expect(verifyLink(token, 'another-secret-of-enough-length-0000', now)).toEqual({ ok: false, problem: 'bad-signature' });
    expect(verifyLink(`${payload}`, secret, now)).toEqual({ ok: false, problem: 'malformed' });
    expect(verifyLink('not-a-token', secret, now)).toEqual({ ok: false, problem: 'malformed' });
  });
});
