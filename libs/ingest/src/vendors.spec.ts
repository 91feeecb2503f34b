import { intercomSignature } from './signatures';
import { isWebhookKind, WEBHOOK_KINDS } from './types';
import { WEBHOOK_VENDORS } from './vendors';

describe('the vendor registry (WEBHOOK_VENDORS)', () => {
  it('has one vendor per kind, helpdesks for cases and Salesforce, a CRM too, for all three', () => {
    expect([...WEBHOOK_KINDS]).toEqual(['zendesk', 'jira', 'freshdesk', 'servicenow', 'intercom', 'salesforce']);
    for (const kind of WEBHOOK_KINDS) expect(WEBHOOK_VENDORS[kind].kind).toBe(kind);
    expect(Object.fromEntries(WEBHOOK_KINDS.map((k) => [k, WEBHOOK_VENDORS[k].allowances]))).toEqual({
      zendesk: ['cases'], jira: ['cases'], freshdesk: ['cases'], servicenow: ['cases'], intercom: ['cases'], salesforce: ['cases', 'meetings', 'accounts'],
    });
    expect(isWebhookKind('intercom') && isWebhookKind('salesforce') && !isWebhookKind('mapped')).toBe(true);
  });

  it('verifies Intercom deliveries by X-Hub-Signature (sha1) through the registry', () => {
    const rawBody = Buffer.from('{"type":"notification_event","topic":"ping"}');
    const verify = WEBHOOK_VENDORS.intercom.verify;
    const now = new Date();
    expect(verify?.({ secret: 's', rawBody, headers: { 'x-hub-signature': intercomSignature('s', rawBody) }, now, toleranceSeconds: 300 })).toEqual({ ok: true });
    expect(verify?.({ secret: 's', rawBody, headers: {}, now, toleranceSeconds: 300 })).toMatchObject({ ok: false, reason: 'missing' });
    expect(WEBHOOK_VENDORS.intercom.signatureScheme).toBe('HMAC-SHA1');
  });

  it('lets Salesforce bring its XML: media types, a parser, its own acknowledgement, and checked settings', () => {
    const salesforce = WEBHOOK_VENDORS.salesforce;
    expect(salesforce.mediaTypes).toContain('text/xml');
    expect(salesforce.parse?.(Buffer.from('<x/>'), 'text/xml')).toMatchObject({ ok: false });
    expect(salesforce.answer?.({ accepted: 0, ids: [], ignored: [{ reason: 'r' }], mediaType: 'text/xml' })).toMatchObject({ status: 200, body: expect.stringContaining('<Ack>true</Ack>') });
    expect(salesforce.answer?.({ accepted: 1, ids: ['a'], ignored: [], mediaType: 'application/json' })).toBeUndefined();
    expect(salesforce.validateSettings?.({ organizationId: 'nope' })).toEqual([{ field: 'settings.organizationId', message: expect.any(String) }]);
    expect(WEBHOOK_VENDORS.freshdesk.validateSettings?.({ timezone: 'Asia/Kolkata' })).toEqual([]);
    expect(WEBHOOK_VENDORS.freshdesk.validateSettings?.({ timezone: 'Mars/Base' })).toHaveLength(1);
  });

  it('names a setting the kind does not read, so a mistyped key is not stored to do nothing', () => {
    expect(WEBHOOK_VENDORS.salesforce.validateSettings?.({ organisationId: '00D5e000000KQ2eEAG' })).toEqual([
      { field: 'settings.organisationId', message: 'is not a setting of this kind (it reads organizationId, accountFields, timezone)' },
    ]);
    expect(WEBHOOK_VENDORS.freshdesk.validateSettings?.({ timezone: 'Asia/Kolkata', tz: 'x' })).toEqual([{ field: 'settings.tz', message: expect.stringContaining('it reads timezone') }]);
    expect(WEBHOOK_VENDORS.salesforce.validateSettings?.({ organizationId: '00D5e000000KQ2eEAG', accountFields: { ownerEmail: 'Owner_Email__c' }, timezone: 'Europe/Berlin' })).toEqual([]);
  });
});
