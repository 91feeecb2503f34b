import { createHmac } from 'node:crypto';
import { jiraSignature, verifyJiraSignature, verifyZendeskSignature, zendeskSignature } from './signatures';

const secret = 'dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==';
const body = Buffer.from('{"type":"zen:event-type:ticket.created","id":"01HNX3D9Q0Z5YV3K8M2T6R4W1A","detail":{"id":"5158"}}');
const now = new Date('2025-01-08T10:12:10Z');
const timestamp = '2025-01-08T10:12:07Z';

describe('Zendesk webhook signatures', () => {
  const verify = (overrides: Partial<Parameters<typeof verifyZendeskSignature>[0]> = {}) =>
    verifyZendeskSignature({ secret, rawBody: body, signature: zendeskSignature(secret, timestamp, body), timestamp, now, toleranceSeconds: 300, ...overrides });

  it('computes base64(HMAC-SHA256(secret, timestamp + body)), as Zendesk documents it', () => {
    const expected = createHmac('sha256', secret).update(`${timestamp}${body.toString('utf8')}`).digest('base64');
    expect(zendeskSignature(secret, timestamp, body)).toBe(expected);
  });

  it('accepts a good signature within the replay window, in either direction of clock skew', () => {
    expect(verify()).toEqual({ ok: true });
    expect(verify({ now: new Date('2025-01-08T10:07:08Z') })).toEqual({ ok: true });
  });

  it('refuses a signature made with another secret, or over another body', () => {
    expect(verify({ signature: zendeskSignature('another secret', timestamp, body) })).toMatchObject({ ok: false, reason: 'bad' });
    expect(verify({ rawBody: Buffer.from(`${body.toString()} `) })).toMatchObject({ ok: false, reason: 'bad' });
    // The timestamp is signed too: moving it forward to get past the window breaks the signature.
    expect(verify({ timestamp: '2025-01-08T10:12:09Z' })).toMatchObject({ ok: false, reason: 'bad' });
  });

  it('refuses a stale or future timestamp (replay protection), with the window in the detail', () => {
    const stale = verify({ now: new Date('2025-01-08T10:17:08Z') });
    expect(stale).toEqual({ ok: false, reason: 'stale', detail: expect.stringContaining('at most 300 s') });
    expect(verify({ now: new Date('2025-01-08T10:06:00Z') })).toMatchObject({ ok: false, reason: 'stale' });
    expect(verify({ now: new Date('2025-01-08T10:20:00Z'), toleranceSeconds: 900 })).toEqual({ ok: true });
  });

  it('refuses missing and malformed headers', () => {
    expect(verify({ signature: undefined })).toMatchObject({ ok: false, reason: 'missing', detail: expect.stringContaining('X-Zendesk-Webhook-Signature header') });
    expect(verify({ timestamp: undefined })).toMatchObject({ ok: false, reason: 'missing', detail: expect.stringContaining('Timestamp') });
    expect(verify({ timestamp: 'yesterday' })).toMatchObject({ ok: false, reason: 'malformed' });
    expect(verify({ signature: 'not base64!' })).toMatchObject({ ok: false, reason: 'malformed' });
    expect(verify({ signature: 'c2hvcnQ=' })).toMatchObject({ ok: false, reason: 'bad' });
  });

  it('takes the first value of a repeated header', () => {
    expect(verify({ signature: [zendeskSignature(secret, timestamp, body), 'x'] })).toEqual({ ok: true });
  });
});

describe('Jira webhook signatures', () => {
  const jiraBody = Buffer.from('{"timestamp":1736327527481,"webhookEvent":"jira:issue_created"}');
  const verify = (signature: string | undefined, rawBody = jiraBody) => verifyJiraSignature({ secret, rawBody, signature });

  it('computes sha256=<hex HMAC-SHA256(secret, body)>', () => {
    expect(jiraSignature(secret, jiraBody)).toBe(`sha256=${createHmac('sha256', secret).update(jiraBody).digest('hex')}`);
  });

  it('accepts a good signature, upper- or lower-case hex', () => {
    const good = jiraSignature(secret, jiraBody);
    expect(verify(good)).toEqual({ ok: true });
    expect(verify(`sha256=${good.slice(7).toUpperCase()}`)).toEqual({ ok: true });
  });

  it('refuses a wrong secret or a changed body', () => {
    expect(verify(jiraSignature('wrong', jiraBody))).toMatchObject({ ok: false, reason: 'bad' });
    expect(verify(jiraSignature(secret, jiraBody), Buffer.from('{}'))).toMatchObject({ ok: false, reason: 'bad' });
  });

  it('refuses a missing header and other algorithms or shapes', () => {
    expect(verify(undefined)).toMatchObject({ ok: false, reason: 'missing', detail: 'The X-Hub-Signature header is missing.' });
    expect(verify(`sha1=${createHmac('sha1', secret).update(jiraBody).digest('hex')}`)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(verify('sha256=abc')).toMatchObject({ ok: false, reason: 'malformed' });
  });
});
