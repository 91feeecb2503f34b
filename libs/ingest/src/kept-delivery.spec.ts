import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSecretName, keptBody, keptHeaders, REDACTED } from './kept-delivery';

describe('what the delivery log keeps of a delivery', () => {
  it('knows secrets by their field names, not by words that merely contain them', () => {
    expect(['token', 'apiKey', 'api_key', 'access_token', 'client_secret', 'SessionId', 'password', 'X-Hub-Signature', 'privateKey'].filter(isSecretName)).toHaveLength(9);
    expect(['key', 'id', 'tokens_used', 'secretary', 'description', 'passwordless', 'signatures_count', 'issue'].filter(isSecretName)).toEqual([]);
  });

  it('strips secret fields of a JSON body at any depth, and keeps the rest as it was sent', () => {
    const body = { issue: { key: 'SUP-42', fields: { summary: 'Checkout down' } }, auth: { apiKey: 'k-123', token: 'tok', password: '' }, hooks: [{ client_secret: 's3cr3t' }] };
    const kept = keptBody(Buffer.from(JSON.stringify(body)), 'application/json', 65_536);
    expect(JSON.parse(kept.body!)).toEqual({ issue: body.issue, auth: { apiKey: REDACTED, token: REDACTED, password: '' }, hooks: [{ client_secret: REDACTED }] });
    expect(kept).toMatchObject({ redacted: 3, truncated: false, bytes: JSON.stringify(body).length });
    const plain = '{ "ticket": { "id": 4711 } }';
    expect(keptBody(Buffer.from(plain), 'application/json', 65_536)).toEqual({ body: plain, bytes: plain.length, truncated: false, redacted: 0 });
  });

  it('strips Salesforce\'s session id from an outbound message, and Forewarn api keys wherever they appear', () => {
    const xml = readFileSync(join(__dirname, 'salesforce/fixtures/outbound-case.xml'), 'utf8').replace('<SessionId xsi:nil="true"/>', '<SessionId>00D5e000000KQ2e!AQ4AQLive.Session</SessionId>');
    const kept = keptBody(Buffer.from(xml), 'text/xml', 65_536);
    expect(kept.body).toContain(`<SessionId>${REDACTED}</SessionId>`);
    expect(kept.body).not.toContain('Live.Session');
    expect(kept.body).toContain('<sf:Subject>Checkout payments failing with 502</sf:Subject>');
    const text = keptBody(Buffer.from('{"broken": "json", "password": "hunter2", "note": "key fw_src_abcdefghijklmnopqrstuvwx"'), 'application/json', 65_536);
    expect(text.body).toBe(`{"broken": "json", "password": "${REDACTED}", "note": "key fw_src_${REDACTED}"`);
  });

  it('caps the body, saying how much there was, and keeps none when the cap is 0', () => {
    const big = JSON.stringify({ text: 'é'.repeat(1000) });
    const kept = keptBody(Buffer.from(big), 'application/json', 100);
    expect(kept.truncated).toBe(true);
    expect(kept.body).toMatch(/…\[truncated: 100 of 2011 bytes kept\]$/);
    expect(Buffer.byteLength(kept.body!.split('\n…')[0])).toBeLessThanOrEqual(100);
    expect(keptBody(Buffer.from(big), 'application/json', 0)).toEqual({ body: null, bytes: 2011, truncated: true, redacted: 0 });
    expect(keptBody(null, undefined, 100)).toEqual({ body: null, bytes: 0, truncated: false, redacted: 0 });
  });

  it('keeps headers without credentials, cookies or signatures', () => {
    expect(keptHeaders({
      'content-type': 'application/json', 'user-agent': 'Zendesk Webhook', 'x-zendesk-webhook-id': '01H', authorization: 'Bearer fw_src_x', cookie: 'a=b',
      'x-zendesk-webhook-signature': 'abc', 'x-hub-signature': 'sha1=abc', 'x-api-key': 'k', 'content-length': '12',
    })).toEqual({ 'content-type': 'application/json', 'user-agent': 'Zendesk Webhook', 'x-zendesk-webhook-id': '01H' });
  });
});
