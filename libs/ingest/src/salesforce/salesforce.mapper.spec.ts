import { parseInboundEvent } from '@forewarn/contracts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MappedEvent, MappingContext, MapResult } from '../types';
import { answerSalesforce, mapSalesforce, parseSalesforce, salesforceCaseStatus, validateSalesforceSettings } from './salesforce.mapper';
import { parseXml, XmlError } from './xml';
// Sources of every fixture: fixtures/_sources.md (Salesforce's Outbound Messaging WSDL, Change Data
// Capture's ChangeEventHeader, the REST API's record format, and the Case, CaseComment, Account, Event and Opportunity objects).
import accountPartial from './fixtures/cdc-account-update-partial.json';
import caseCreated from './fixtures/cdc-case-created.json';
import casePriorityOwner from './fixtures/cdc-case-priority-owner.json';
import caseResolved from './fixtures/cdc-case-resolved.json';
import caseNoAccount from './fixtures/cdc-case-status-no-account.json';
import comment from './fixtures/cdc-casecomment-created.json';
import eventCreated from './fixtures/cdc-event-created.json';
import eventDeleted from './fixtures/cdc-event-deleted.json';
import gap from './fixtures/cdc-gap-update.json';
import renewals from './fixtures/flow-opportunity-renewal.json';

const receivedAt = new Date('2025-01-20T12:00:00Z');
const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name));
const context = (settings?: Record<string, unknown>): MappingContext => ({ receivedAt, settings, sourceName: 'salesforce-prod' });
const map = (payload: unknown, settings?: Record<string, unknown>): MapResult => mapSalesforce(JSON.parse(JSON.stringify(payload)), context(settings));
const soap = (name: string, settings?: Record<string, unknown>): MapResult => {
  const parsed = parseSalesforce(fixture(name), 'text/xml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return mapSalesforce(parsed.payload, context(settings));
};

function events(result: MapResult): MappedEvent[] {
  if (result.status !== 'mapped') throw new Error(`expected events, got ${JSON.stringify(result)}`);
  for (const event of result.events) {
    const valid = parseInboundEvent(event, { source: '/sources/salesforce-prod', receivedAt, refuseFuture: true });
    if (!valid.ok) throw new Error(`${event.type} breaks the contract: ${JSON.stringify(valid.errors)}`);
  }
  return result.events;
}

describe('Salesforce outbound messages (SOAP)', () => {
  it('reads the envelope with a small XML reader and maps a Case snapshot: escalated (state), account by AccountId and domain', () => {
    const result = events(soap('outbound-case.xml', { organizationId: '00D5e000000KQ2e' }));
    expect(result).toEqual([{
      specversion: '1.0',
      id: 'sf-5005e00000ABCdEAAX-escalated-1',
      type: 'forewarn.case.escalated',
      time: '2025-01-08T13:03:44.000Z',
      subject: 'SF-5005e00000ABCdEAAX',
      data: {
        account: { id: '0015e00000ZkM3hAAF', domain: 'acme.com', externalId: '0015e00000ZkM3hAAF' },
        case: {
          id: 'SF-5005e00000ABCdEAAX', title: 'Checkout payments failing with 502', url: 'https://acme.my.salesforce.com/5005e00000ABCdEAAX',
          severity: 2, status: 'open', escalationLevel: 1,
        },
        reason: 'Status Escalated',
      },
    }]);
  });

  it('checks the organisation id against the source\'s setting (15 or 18 characters)', () => {
    expect(soap('outbound-case.xml', { organizationId: '00D5e000000KQ2eEAG' }).status).toBe('mapped');
    expect(soap('outbound-case.xml', { organizationId: '00D000000000001' })).toEqual({ status: 'invalid', errors: [{ field: 'OrganizationId', message: expect.stringContaining('not the organisation this source is for') }] });
  });

  it('upserts accounts through the field map, and says which notification it could not use', () => {
    const result = soap('outbound-accounts.xml');
    expect(result).toMatchObject({ status: 'mapped', ignored: [{ reason: expect.stringContaining('Account 0015e00000ZkM3iAAF has no owner e-mail') }] });
    const [account] = events(result);
    expect(account).toEqual({
      specversion: '1.0',
      id: 'sf-04l5e00000Gx7R0AAJ-account',
      type: 'forewarn.account.upserted',
      time: '2025-01-07T16:00:00.000Z',
      subject: '0015e00000ZkM3hAAF',
      data: {
        id: '0015e00000ZkM3hAAF', name: 'Acme Corporation', domains: ['acme.com'], externalRefs: [{ source: 'salesforce-prod', id: '0015e00000ZkM3hAAF' }],
        owner: { email: 'riley.chen@sales.example', name: 'Riley Chen' }, tier: 'High', arr: 1200000, renewalDate: '2025-03-31',
      },
    });
    const mapped = soap('outbound-accounts.xml', { accountFields: { ownerEmail: 'Owner_Name__c', tier: 'Website' } });
    expect(mapped.status).toBe('ignored'); // a name is not an e-mail: both accounts are left out, each with its reason
  });

  it('acknowledges outbound messages the way Salesforce expects, and leaves JSON answers alone', () => {
    const answer = answerSalesforce({ mediaType: 'text/xml' });
    expect(answer).toMatchObject({ status: 200, contentType: 'text/xml; charset=utf-8' });
    const ack = parseXml(answer?.body ?? '');
    expect(ack.local).toBe('Envelope');
    expect(ack.children[0].children[0]).toMatchObject({ local: 'notificationsResponse', attributes: { xmlns: 'http://soap.sforce.com/2005/09/outbound' } });
    expect(ack.children[0].children[0].children[0]).toMatchObject({ local: 'Ack', text: 'true' });
    expect(answerSalesforce({ mediaType: 'application/json' })).toBeUndefined();
  });

  it('refuses XML that is not an outbound message, not well-formed, or dangerous to read', () => {
    expect(parseSalesforce(Buffer.from('<a><b></a>'), 'text/xml')).toMatchObject({ ok: false, errors: [{ field: '(body)', message: expect.stringContaining('not well-formed') }] });
    expect(parseSalesforce(Buffer.from('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'), 'text/xml'))
      .toMatchObject({ ok: false, errors: [{ message: expect.stringContaining('DOCTYPE') }] });
    expect(parseSalesforce(Buffer.from('<x>&e;</x>'), 'text/xml')).toMatchObject({ ok: false, errors: [{ message: expect.stringContaining('undeclared entity') }] });
    expect(parseSalesforce(Buffer.from('<Envelope><Body/></Envelope>'), 'text/xml')).toMatchObject({ ok: false, errors: [{ field: 'Envelope.Body.notifications' }] });
    expect(() => parseXml(`${'<a>'.repeat(100)}${'</a>'.repeat(100)}`)).toThrow(XmlError);
    expect(parseXml('<a x="1 &amp; 2">&#x41;<![CDATA[<b>]]></a>')).toMatchObject({ attributes: { x: '1 & 2' }, text: 'A<b>' });
    expect(parseSalesforce(Buffer.from('{"ChangeEventHeader":{}}'), 'application/json')).toEqual({ ok: true, payload: { ChangeEventHeader: {} } });
    expect(parseSalesforce(Buffer.from('nonsense'), 'application/json')).toMatchObject({ ok: false });
  });
});

describe('Salesforce Change Data Capture events (relayed JSON)', () => {
  it('maps a case created by e-mail to case.opened from the queue, the customer by the supplied address', () => {
    const [opened] = events(map(caseCreated));
    expect(opened).toMatchObject({
      id: 'sf-00011111-aaaa-bbbb-cccc-ddddeeeeffff-1-5005e00000ABCeFAAX-opened',
      type: 'forewarn.case.opened',
      time: '2025-01-08T09:12:07.000Z',
      data: { account: { id: '0015e00000ZkM3hAAF', domain: 'initech.com' }, case: { id: 'SF-5005e00000ABCeFAAX', status: 'new', severity: 3, escalationLevel: 0 }, actor: { type: 'customer', name: 'Omar Haddad', email: 'omar@initech.com' } },
    });
  });

  it('maps what an update changed: closed, priority and owner', () => {
    expect(events(map(caseResolved)).map((e) => e.type)).toEqual(['forewarn.case.closed']);
    const changes = events(map(casePriorityOwner));
    expect(changes.map((e) => e.type)).toEqual(['forewarn.case.priority_changed', 'forewarn.case.assigned']);
    expect(changes[0].data).toMatchObject({ case: { severity: 1 }, reason: 'Priority → Critical' });
    expect(changes[1].data).toMatchObject({ assignee: { id: '0055e000003XyZaAAK' } });
    const reopened = JSON.parse(JSON.stringify(caseResolved));
    Object.assign(reopened.payload, { Status: 'Working', IsClosed: false });
    expect(events(map(reopened)).map((e) => e.type)).toEqual(['forewarn.case.reopened']);
  });

  it('lets a case change without AccountId name its case, so it takes the account of the case\'s earlier events', () => {
    expect(events(map(caseNoAccount))).toEqual([expect.objectContaining({ type: 'forewarn.case.updated', data: expect.objectContaining({ account: { externalId: 'case:SF-5005e00000ABCdEAAX' }, case: expect.objectContaining({ id: 'SF-5005e00000ABCdEAAX', status: 'open' }) }) })]);
    const bare = JSON.parse(JSON.stringify(comment));
    delete bare.Parent;
    expect(events(map(bare))[0].data).toMatchObject({ account: { externalId: 'case:SF-5005e00000ABCdEAAX' } });
  });

  it('ignores, with a reason, what it cannot place: a partial account, a gap event', () => {
    expect(map(accountPartial)).toMatchObject({ status: 'ignored', ignored: [{ reason: expect.stringContaining('relay the whole record') }] });
    expect(map(gap)).toMatchObject({ status: 'ignored', ignored: [{ reason: expect.stringContaining('gap or overflow') }] });
  });

  it('maps a case comment with the account the flow added', () => {
    expect(events(map(comment))[0]).toMatchObject({ type: 'forewarn.case.commented', subject: 'SF-5005e00000ABCdEAAX', data: { comment: { public: true, excerpt: expect.stringContaining('double fees') } } });
  });

  it('maps events with an account to meetings, and a deleted event to a cancellation', () => {
    expect(events(map(eventCreated))[0]).toMatchObject({
      type: 'forewarn.meeting.scheduled',
      subject: 'sf-event-00U5e00000K9abcEAB',
      data: { account: { id: '0015e00000ZkM3hAAF' }, meeting: { id: 'sf-event-00U5e00000K9abcEAB', title: 'Acme renewal proposal', startsAt: '2025-01-21T15:00:00.000Z', kind: 'renewal' } },
    });
    expect(events(map(eventDeleted))[0]).toMatchObject({ type: 'forewarn.meeting.cancelled', data: { meeting: { id: 'sf-event-00U5e00000K9abcEAB' } } });
  });
});

describe('Salesforce records posted by a flow (REST format)', () => {
  it('maps a renewal opportunity to a renewal on its close date, and skips one that is not a renewal', () => {
    const result = map(renewals);
    expect(result).toMatchObject({ status: 'mapped', ignored: [{ reason: expect.stringContaining('is not a renewal') }] });
    expect(events(result)).toMatchObject([{
      type: 'forewarn.meeting.scheduled',
      data: { account: { id: '0015e00000ZkM3hAAF' }, meeting: { id: 'sf-renewal-0065e00000Q1w2EAAR', kind: 'renewal', startsAt: '2025-03-31T00:00:00.000Z', title: 'Renewal: Acme Corporation — 2025 renewal' } },
    }]);
    const won = JSON.parse(JSON.stringify(renewals));
    won[0].IsClosed = true;
    expect(events(map([won[0]]))[0]).toMatchObject({ type: 'forewarn.meeting.cancelled' });
  });

  it('refuses a body that is none of Salesforce\'s deliveries', () => {
    expect(map({ hello: 'world' })).toEqual({ status: 'invalid', errors: [{ field: '(body)', message: expect.stringContaining('is not a Salesforce delivery') }] });
  });
});

describe('Salesforce settings and statuses', () => {
  it('validates the organisation id, the account field map and the time zone', () => {
    expect(validateSalesforceSettings({ organizationId: '00D5e000000KQ2eEAG', accountFields: { ownerEmail: 'Owner_Email__c' }, timezone: 'Europe/Berlin' })).toEqual([]);
    expect(validateSalesforceSettings({ organizationId: 'acme', accountFields: { owner: 'x', arr: 'bad field!' }, timezone: 'Mars/Base' }).map((e) => e.field))
      .toEqual(['settings.timezone', 'settings.organizationId', 'settings.accountFields.owner', 'settings.accountFields.arr']);
  });

  it('reads case statuses by name', () => {
    expect(['New', 'Working', 'Escalated', 'On Hold', 'Waiting on Customer', 'Resolved', 'Closed'].map((s) => salesforceCaseStatus(s)))
      .toEqual(['new', 'open', 'open', 'on_hold', 'pending', 'solved', 'closed']);
    expect(salesforceCaseStatus(undefined, true)).toBe('closed');
  });
});
