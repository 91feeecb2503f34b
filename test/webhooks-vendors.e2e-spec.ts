import { intercomSignature, jiraSignature, zendeskSignature } from '@forewarn/ingest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Bus, startBus } from './support/bus';
import { runCli } from './support/cli';
import { REPO_ROOT } from './support/paths';
import { eventually } from './support/services';

/**
 * Real helpdesk traffic end to end (issue 14): every vendor kind — Zendesk, Jira, Freshdesk,
 * ServiceNow, Intercom and Salesforce — posting the deliveries their documentation shows
 * (`libs/ingest/src/<vendor>/fixtures`, with the vendor's own authentication) through the real
 * gateway and Kafka into account-health; what is ignored, and where to see it (`forewarn source
 * log`); redelivery after a fix (`forewarn source redeliver`); and identity across systems (a case
 * inheriting its account, `forewarn unmapped map`).
 */
const FIXTURES = join(REPO_ROOT, 'libs/ingest/src');
const fixture = (vendor: string, name: string): string => readFileSync(join(FIXTURES, vendor, 'fixtures', name), 'utf8');
const json = (vendor: string, name: string): Record<string, any> => JSON.parse(fixture(vendor, name));

const ORG = '00D5e000000KQ2eEAG';
/** The Salesforce account (the CRM's Account Id), owned by the outbound message of accounts. */
const ACME = '0015e00000ZkM3hAAF';

interface Stored { source: string; id: string; type: string; time: string; case: string | null; account: Record<string, string>; account_id: string | null }

describe('webhooks of every vendor kind, through the real gateway and Kafka', () => {
  let bus: Bus;
  const dir = mkdtempSync(join(tmpdir(), 'forewarn-vendors-e2e-'));
  const secrets = { zendesk: 'zd-secret', jira: 'jira-secret', intercom: 'intercom-secret' };
  const keys: Record<string, string> = {};
  const startedAt = new Date();

  const cli = (args: string[]) => runCli(args, bus.env);
  const cliJson = async (args: string[]) => {
    const result = await cli(args);
    if (result.code !== 0) throw new Error(`forewarn ${args.join(' ')} failed: ${result.stderr}`);
    return JSON.parse(result.stdout);
  };

  const post = async (path: string, body: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${bus.gatewayUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const text = await response.text();
    let parsed: Record<string, any> | null = null;
    try { parsed = JSON.parse(text); } catch { parsed = null; }
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, json: parsed };
  };
  /** Each vendor's own authentication: Zendesk, Jira and Intercom signatures; api keys (bearer, ?token=) otherwise. */
  const deliver = {
    zendesk: (raw: string) => {
      const timestamp = new Date().toISOString();
      return post('/v1/webhooks/zendesk/zendesk-eu', raw, { 'X-Zendesk-Webhook-Signature': zendeskSignature(secrets.zendesk, timestamp, raw), 'X-Zendesk-Webhook-Signature-Timestamp': timestamp });
    },
    jira: (raw: string) => post('/v1/webhooks/jira/jira-cloud', raw, { 'X-Hub-Signature': jiraSignature(secrets.jira, raw) }),
    freshdesk: (raw: string) => post(`/v1/webhooks/freshdesk/freshdesk?token=${encodeURIComponent(keys.freshdesk)}`, raw),
    servicenow: (raw: string) => post('/v1/webhooks/servicenow/servicenow', raw, { authorization: `Bearer ${keys.servicenow}` }),
    intercom: (raw: string) => post('/v1/webhooks/intercom/intercom', raw, { 'X-Hub-Signature': intercomSignature(secrets.intercom, raw) }),
    salesforce: (raw: string, contentType = raw.trimStart().startsWith('<') ? 'text/xml; charset=utf-8' : 'application/json') =>
      post(`/v1/webhooks/salesforce/salesforce-prod?token=${encodeURIComponent(keys['salesforce-prod'])}`, raw, { 'content-type': contentType, SOAPAction: '""' }),
  };

  const consumed = () => eventually('account-health to consume everything', async () => (await bus.lag('account-health', bus.topics.events)) === 0, { timeoutMs: 60_000 });
  /** A source's events as account-health stored them from events.v1, in event-time order (partitions are consumed side by side). */
  const stored = async (source: string): Promise<Stored[]> => {
    const rows: (Omit<Stored, 'time'> & { time: Date })[] = await bus.database.db.query(
      `SELECT source, id, type, time, payload->'data'->'case'->>'id' AS case, payload->'data'->'account' AS account, account_id FROM health.events WHERE source = $1 ORDER BY time, id`,
      [`/sources/${source}`],
    );
    return rows.map((r) => ({ ...r, time: r.time.toISOString() }));
  };
  const caseRow = async (id: string): Promise<Record<string, any> | undefined> =>
    (await bus.database.db.query('SELECT account_id, id, title, severity, status, escalation_level, assignee FROM health.cases WHERE id = $1', [id]))[0];
  /** Every event on `<prefix>events.v1`, read back from Kafka. */
  const onTopic = async (): Promise<Record<string, any>[]> => {
    const total = await bus.messageCount(bus.topics.events);
    const consumer = bus.kafka.consumer({ groupId: `test-read-${bus.tag}-${Date.now()}` });
    const seen: Record<string, any>[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: bus.topics.events, fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(JSON.parse(String(message.value)));
          if (seen.length >= total) resolve();
        },
      });
    });
    await consumer.disconnect();
    return seen;
  };

  beforeAll(async () => {
    // Sources are read fresh on every delivery, so a changed setting or mapping applies at once.
    bus = await startBus('vendors', { GATEWAY_SOURCE_CACHE_MS: '0' }, ['account-health', 'gateway']);
    await bus.addSource('zendesk-eu', 'zendesk', secrets.zendesk);
    await bus.addSource('jira-cloud', 'jira', secrets.jira);
    await bus.addSource('intercom', 'intercom', secrets.intercom);
    keys.freshdesk = await bus.addSource('freshdesk', 'freshdesk');
    keys.servicenow = await bus.addSource('servicenow', 'servicenow');
    const crm = await bus.addSource('crm');
    const owner = { name: 'Riley Chen', email: 'riley.chen@sales.example' };
    const account = (id: string, name: string, domains: string[]) => ({
      specversion: '1.0', id: `acct-${id}`, type: 'forewarn.account.upserted', time: '2025-01-01T00:00:00Z', data: { id, name, domains, owner },
    });
    expect((await bus.postEvents(crm, [account('globex', 'Globex', ['globex.io']), account('umbrella', 'Umbrella Payments', ['umbrella-payments.com'])])).status).toBe(202);
  }, 120_000);

  afterAll(async () => {
    await bus?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('Salesforce, the CRM as well as a helpdesk', () => {
    it('registers a Salesforce source with its organisation id, refusing a bad setting by name', async () => {
      const bad = await cli(['source', 'add', 'salesforce-prod', '--kind', 'salesforce', '--setting', 'organizationId=not-an-org']);
      expect(bad).toMatchObject({ code: 1, stderr: expect.stringContaining('settings.organizationId must be a Salesforce organisation id') });
      const added = await cliJson(['source', 'add', 'salesforce-prod', '--kind', 'salesforce', '--setting', `organizationId=${ORG}`, '--setting', 'accountFields.ownerEmail=Owner_Email__c']);
      expect(added).toMatchObject({ name: 'salesforce-prod', kind: 'salesforce', allow: ['cases', 'meetings', 'accounts'], settings: { organizationId: ORG, accountFields: { ownerEmail: 'Owner_Email__c' } } });
      keys['salesforce-prod'] = added.apiKey;
      const listed = (await cliJson(['source', 'list'])).find((s: { name: string }) => s.name === 'salesforce-prod');
      expect(listed.settings).toEqual({ organizationId: ORG, accountFields: { ownerEmail: 'Owner_Email__c' } });
    });

    it('answers an outbound message of accounts with the SOAP acknowledgement, upserts the account and lists the one it ignored', async () => {
      const response = await deliver.salesforce(fixture('salesforce', 'outbound-accounts.xml'));
      expect(response).toMatchObject({ status: 200, contentType: expect.stringContaining('text/xml') });
      expect(response.text).toContain('<Ack>true</Ack>');
      await consumed();
      const [account] = await bus.database.db.query('SELECT id, name, domains, external_refs, owner_email, tier, arr, renewal_date FROM health.accounts WHERE id = $1', [ACME]);
      expect(account).toEqual({
        id: ACME, name: 'Acme Corporation', domains: ['acme.com'], external_refs: [{ source: 'salesforce-prod', id: ACME }], owner_email: 'riley.chen@sales.example',
        tier: 'High', arr: '1200000', renewal_date: '2025-03-31',
      });
      const [logged] = await cliJson(['source', 'log', 'salesforce-prod', '--limit', '1']);
      expect(logged).toMatchObject({ outcome: 'accepted', status: 200, events: ['sf-04l5e00000Gx7R0AAJ-account'], ignored: [{ reason: expect.stringContaining('Account 0015e00000ZkM3iAAF has no owner e-mail') }] });
    });

    it('checks the organisation id of an outbound message: another organisation\'s is refused (400 naming OrganizationId) and nothing is accepted', async () => {
      const before = await bus.messageCount(bus.topics.events);
      const response = await deliver.salesforce(fixture('salesforce', 'outbound-case.xml').replace(`<OrganizationId>${ORG}</OrganizationId>`, '<OrganizationId>00D000000000001AAA</OrganizationId>'));
      expect(response).toMatchObject({ status: 400, contentType: expect.stringContaining('application/problem+json'), json: { errors: [{ field: 'OrganizationId' }] } });
      expect(await bus.messageCount(bus.topics.events)).toBe(before);
    });

    it('maps outbound messages and change events of cases and events to the right type, time, case and account', async () => {
      for (const delivery of ['outbound-case.xml', 'cdc-case-created.json', 'cdc-event-created.json']) {
        const response = await deliver.salesforce(fixture('salesforce', delivery));
        expect([delivery, response.status]).toEqual([delivery, delivery.endsWith('.xml') ? 200 : 202]);
      }
      await consumed();
      expect((await stored('salesforce-prod')).filter((e) => e.type !== 'forewarn.account.upserted')).toEqual([
        { source: '/sources/salesforce-prod', id: 'sf-00011111-aaaa-bbbb-cccc-ddddeeeeffff-1-5005e00000ABCeFAAX-opened', type: 'forewarn.case.opened', time: '2025-01-08T09:12:07.000Z', case: 'SF-5005e00000ABCeFAAX', account: { id: ACME, domain: 'initech.com', externalId: ACME }, account_id: ACME },
        { source: '/sources/salesforce-prod', id: 'sf-5005e00000ABCdEAAX-escalated-1', type: 'forewarn.case.escalated', time: '2025-01-08T13:03:44.000Z', case: 'SF-5005e00000ABCdEAAX', account: { id: ACME, domain: 'acme.com', externalId: ACME }, account_id: ACME },
        { source: '/sources/salesforce-prod', id: 'sf-00088888-aaaa-bbbb-cccc-ddddeeeeffff-1-00U5e00000K9abcEAB-meeting', type: 'forewarn.meeting.scheduled', time: '2025-01-09T13:00:00.000Z', case: null, account: { id: ACME, externalId: ACME }, account_id: ACME },
      ]);
      expect(await caseRow('SF-5005e00000ABCdEAAX')).toMatchObject({ account_id: ACME, title: 'Checkout payments failing with 502', severity: 2, escalation_level: 1, status: 'open' });
      expect(await bus.database.db.query('SELECT account_id, id, kind FROM health.meetings')).toEqual([{ account_id: ACME, id: 'sf-event-00U5e00000K9abcEAB', kind: 'renewal' }]);
    });

    it('gives a change event without AccountId the account of its case', async () => {
      expect((await deliver.salesforce(fixture('salesforce', 'cdc-case-status-no-account.json'))).status).toBe(202);
      await consumed();
      const [event] = (await stored('salesforce-prod')).filter((e) => e.id.startsWith('sf-0006aa11'));
      expect(event).toMatchObject({ type: 'forewarn.case.updated', case: 'SF-5005e00000ABCdEAAX', account: { externalId: 'case:SF-5005e00000ABCdEAAX' }, account_id: ACME });
    });
  });

  describe('the helpdesks', () => {
    it('maps Jira (signed) deliveries; a comment without a reporter takes the account of its issue', async () => {
      for (const delivery of ['issue-created.json', 'issue-updated-priority-and-assignee.json', 'issue-updated-escalated-sla-breached.json', 'comment-created-cloud-agent-no-reporter.json']) {
        expect([delivery, (await deliver.jira(fixture('jira', delivery))).status]).toEqual([delivery, 202]);
      }
      await consumed();
      const acme = { domain: 'acme.com', externalId: '7', name: 'Acme Corp' };
      expect((await stored('jira-cloud')).map(({ id, type, time, case: c, account, account_id }) => [id, type, time, c, account, account_id])).toEqual([
        ['jira-10042-created', 'forewarn.case.opened', '2025-01-08T09:12:07.481Z', 'SUP-42', acme, ACME],
        ['jira-10042-10301-assignee', 'forewarn.case.assigned', '2025-01-08T10:03:43.512Z', 'SUP-42', acme, ACME],
        ['jira-10042-10301-priority', 'forewarn.case.priority_changed', '2025-01-08T10:03:43.512Z', 'SUP-42', acme, ACME],
        ['jira-10042-comment-10092', 'forewarn.case.commented', '2025-01-08T14:05:30.123Z', 'SUP-42', { externalId: 'project:SUP', name: 'Acme Support' }, ACME],
        ['jira-sla-0e23fecf6123bc13f48492d3247ab2f1', 'forewarn.case.sla_breached', '2025-01-08T17:12:07.000Z', 'SUP-42', acme, ACME],
        ['jira-10042-10322-escalated', 'forewarn.case.escalated', '2025-01-08T17:42:07.481Z', 'SUP-42', acme, ACME],
      ]);
      expect(await caseRow('SUP-42')).toMatchObject({ account_id: ACME, assignee: 'Priya Nair', escalation_level: expect.any(Number) });
    });

    it('maps Freshdesk (?token=) deliveries, dating those without a time at their receipt', async () => {
      for (const delivery of ['ticket-created.json', 'public-note.json', 'triggered-event-empty.json', 'customer-feedback.json']) {
        expect([delivery, (await deliver.freshdesk(fixture('freshdesk', delivery))).status]).toEqual([delivery, 202]);
      }
      await consumed();
      const events = await stored('freshdesk');
      const globex = { domain: 'globex.io', externalId: '103000123', name: 'Globex' };
      expect(events.map(({ id, type, case: c, account, account_id }) => [id, type, c, account, account_id])).toEqual([
        ['fd-1ca5b14f711dc92bedfdf64772d8f8c0', 'forewarn.case.resolved', 'FD-4711', globex, 'globex'],
        ['fd-7f0769703ad7494f0099e8e1e8b4fbca', 'forewarn.case.opened', 'FD-4711', globex, 'globex'],
        ['fd-b56a9b838f809a3fda7235fdba9ca9ff', 'forewarn.case.commented', 'FD-4711', globex, 'globex'],
        ['fd-csat-cf74ea520681f9d5211d70f09eb3b432', 'forewarn.survey.responded', 'FD-4711', globex, 'globex'],
      ]);
      // The ticket's own updated time where the template gave one; the time of receipt otherwise.
      expect(events[0].time).toBe('2025-01-09T14:05:00.000Z');
      for (const event of events.slice(1)) expect(Date.parse(event.time)).toBeGreaterThanOrEqual(startedAt.getTime());
      expect(await caseRow('FD-4711')).toMatchObject({ account_id: 'globex', title: 'Invoices export times out' });
    });

    it('maps ServiceNow (bearer) deliveries', async () => {
      for (const delivery of ['case-inserted.json', 'case-priority-and-escalation.json', 'case-solution-rejected.json', 'sla-breached.json']) {
        expect([delivery, (await deliver.servicenow(fixture('servicenow', delivery))).status]).toEqual([delivery, 202]);
      }
      await consumed();
      const umbrella = { domain: 'umbrella-payments.com', externalId: 'ACCT0001003', name: 'Umbrella Payments' };
      expect((await stored('servicenow')).map(({ id, type, time, case: c, account, account_id }) => [id, type, time, c, account, account_id])).toEqual([
        ['sn-46e3a8b1db2c1010a1b2c3d4e5f60718-0-opened', 'forewarn.case.opened', '2025-01-08T09:12:07.000Z', 'CS0001042', umbrella, 'umbrella'],
        ['sn-46e3a8b1db2c1010a1b2c3d4e5f60718-4-escalated', 'forewarn.case.escalated', '2025-01-08T13:03:44.000Z', 'CS0001042', umbrella, 'umbrella'],
        ['sn-46e3a8b1db2c1010a1b2c3d4e5f60718-4-priority', 'forewarn.case.priority_changed', '2025-01-08T13:03:44.000Z', 'CS0001042', umbrella, 'umbrella'],
        ['sn-46e3a8b1db2c1010a1b2c3d4e5f60718-sla-b1f3c9e2db6c1010a1b2c3d4e5f60799', 'forewarn.case.sla_breached', '2025-01-08T17:12:07.000Z', 'CS0001042', umbrella, 'umbrella'],
        ['sn-46e3a8b1db2c1010a1b2c3d4e5f60718-11-comment', 'forewarn.case.commented', '2025-01-09T08:02:11.000Z', 'CS0001042', umbrella, 'umbrella'],
        ['sn-46e3a8b1db2c1010a1b2c3d4e5f60718-11-rejected', 'forewarn.case.resolution_rejected', '2025-01-09T08:02:11.000Z', 'CS0001042', umbrella, 'umbrella'],
        ['sn-46e3a8b1db2c1010a1b2c3d4e5f60718-11-reopened', 'forewarn.case.reopened', '2025-01-09T08:02:11.000Z', 'CS0001042', umbrella, 'umbrella'],
      ]);
      expect(await caseRow('CS0001042')).toMatchObject({ account_id: 'umbrella', title: 'Card payments declined for all EU customers', status: 'open' });
    });

    it('maps Intercom (signed) conversations and tickets; a ping is ignored with its reason', async () => {
      for (const delivery of ['conversation-user-created.json', 'conversation-priority-updated-sla-missed.json', 'ticket-created.json', 'ticket-state-updated-resolved.json']) {
        expect([delivery, (await deliver.intercom(fixture('intercom', delivery))).status]).toEqual([delivery, 202]);
      }
      expect(await deliver.intercom(fixture('intercom', 'ping.json'))).toMatchObject({ status: 202, json: { accepted: 0, ids: [], ignored: [{ reason: expect.stringContaining('ping') }] } });
      await consumed();
      const acme = { id: 'acme-crm-0042', domain: 'acme.com', externalId: '6762f0b51bb69f9f2193bb7f', name: 'Acme Corp' };
      expect((await stored('intercom')).map(({ id, type, time, case: c, account, account_id }) => [id, type, time, c, account, account_id])).toEqual([
        ['ic-notif_1f0c2e4a-5b6d-4e7f-8a9b-0c1d2e3f4a5b', 'forewarn.case.opened', '2025-01-08T09:12:07.000Z', 'IC-C215468954312', acme, ACME],
        ['ic-notif_a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d', 'forewarn.case.opened', '2025-01-08T09:12:07.000Z', 'IC-T1295', { domain: 'globex.io' }, 'globex'],
        ['ic-notif_9b8c0d1e-2f3a-4b4c-5d6e-7f8a9b0c1d2e', 'forewarn.case.priority_changed', '2025-01-08T14:05:30.000Z', 'IC-C215468954312', acme, ACME],
        ['ic-sla-2e4f2c98bb51e17010f50b4b78578fa1', 'forewarn.case.sla_breached', '2025-01-08T14:05:30.000Z', 'IC-C215468954312', acme, ACME],
        ['ic-notif_b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e', 'forewarn.case.resolved', '2025-01-09T05:20:00.000Z', 'IC-T1295', { domain: 'globex.io' }, 'globex'],
      ]);
      expect(await caseRow('IC-T1295')).toMatchObject({ account_id: 'globex', status: 'solved' });
    });

    it('maps Zendesk (signed) events of an organisation no account knows yet: kept, and listed as unmapped with its cases', async () => {
      for (const delivery of ['event-ticket-created.json', 'event-priority-changed.json', 'event-comment-added-customer.json', 'event-csat-received.json']) {
        expect([delivery, (await deliver.zendesk(fixture('zendesk', delivery))).status]).toEqual([delivery, 202]);
      }
      await consumed();
      expect((await stored('zendesk-eu')).map(({ id, type, time, case: c, account, account_id }) => [id, type, time, c, account, account_id])).toEqual([
        ['zd-01HNX3D9Q0Z5YV3K8M2T6R4W1A', 'forewarn.case.opened', '2025-01-08T10:12:07.481Z', 'ZD-5158', { externalId: '360001' }, null],
        ['zd-5d7e2f10-8c4b-4a3e-b1d2-9f0e8a7c6b5d', 'forewarn.case.priority_changed', '2025-01-08T11:03:44.000Z', 'ZD-5158', { externalId: '360001' }, null],
        ['zd-d4f5c389-8f4a-4c2e-a1b9-8e4f39c71d52', 'forewarn.case.commented', '2025-01-08T14:25:30.123Z', 'ZD-5158', { externalId: '360001' }, null],
        ['zd-csat-07ec5f6e338bb55852c9fcfb14ebb523', 'forewarn.survey.responded', '2025-01-10T09:30:00.000Z', 'ZD-5158', { externalId: '360001' }, null],
      ]);
      const groups = await cliJson(['unmapped', 'list']);
      expect(groups.find((g: { key: string }) => g.key === 'external:360001')).toMatchObject({
        count: 4, sources: ['zendesk-eu'], sampleCases: [{ source: 'zendesk-eu', id: 'ZD-5158', title: 'Checkout payments failing with 502' }],
        references: { domains: [], externalRefs: [{ source: 'zendesk-eu', id: '360001' }] },
      });
    });

    it('claims an unmapped group\'s events when an admin maps it to an account, and rescores the account', async () => {
      const health = async (): Promise<{ updated_at: Date }> => (await bus.database.db.query('SELECT updated_at FROM health.account_health WHERE account_id = $1', [ACME]))[0];
      const before = await health();
      const mapped = await cliJson(['unmapped', 'map', 'external:360001', ACME]);
      expect(mapped).toMatchObject({ group: 'external:360001', account: { id: ACME, name: 'Acme Corporation' }, added: { externalRefs: [{ source: 'zendesk-eu', id: '360001' }] }, events: 4 });
      const claimed = await eventually('the Zendesk case on the account', () => caseRow('ZD-5158'));
      expect(claimed).toMatchObject({ account_id: ACME, title: 'Checkout payments failing with 502' });
      expect((await stored('zendesk-eu')).every((e) => e.account_id === ACME)).toBe(true);
      // The account is scored again with the claimed case among its cases (solved in January 2025, long enough ago to weigh nothing now).
      await eventually('the account rescored', async () => (await health()).updated_at > before.updated_at);
      expect((await cliJson(['unmapped', 'list'])).map((g: { key: string }) => g.key)).not.toContain('external:360001');
      // Later deliveries of that organisation resolve at once.
      expect((await deliver.zendesk(fixture('zendesk', 'event-status-changed-solved.json'))).status).toBe(202);
      await consumed();
      expect(await caseRow('ZD-5158')).toMatchObject({ account_id: ACME, status: 'solved' });
      expect((await cliJson(['audit', '--action', 'account.reference_added']))[0]).toMatchObject({ target: ACME, details: { group: 'external:360001' } });
      // No source may send such a reference itself.
      const crm = await bus.addSource('crm-2');
      const forged = await bus.postEvents(crm, { specversion: '1.0', id: 'forged', type: 'forewarn.account.reference_added', data: { accountId: ACME, domains: ['evil.example'] } });
      expect(forged).toMatchObject({ status: 403, json: { errors: [{ field: 'type', message: expect.stringContaining('not accepted from any source') }] } });
    });
  });

  describe('ignored deliveries, and where to see them', () => {
    it('answers a valid delivery that yields nothing with 202 and its reasons, and keeps it in the source\'s delivery log', async () => {
      const response = await deliver.jira(fixture('jira', 'sprint-started.json'));
      expect(response).toMatchObject({ status: 202, json: { accepted: 0, ids: [], ignored: [{ reason: expect.stringContaining('sprint_started is not an issue or comment event') }] } });
      const log = await eventually('the ignored delivery in the log', async () => {
        const entries = await cliJson(['source', 'log', 'jira-cloud', '--outcome', 'ignored']);
        return entries.length > 0 ? entries : null;
      });
      expect(log[0]).toMatchObject({ source: 'jira-cloud', kind: 'jira', outcome: 'ignored', status: 202, events: [], ignored: [{ reason: expect.stringContaining('sprint_started') }], mediaType: 'application/json' });
      expect(JSON.parse(log[0].body)).toMatchObject({ webhookEvent: 'sprint_started' });
      const accepted = await cliJson(['source', 'log', 'jira-cloud', '--outcome', 'accepted', '--no-body']);
      expect(accepted[0]).not.toHaveProperty('body');
      expect(accepted.map((e: { events: string[] }) => e.events).flat()).toContain('jira-10042-comment-10092');
    });

    it('never answers 4xx to a delivery of a known vendor because an optional field is missing', async () => {
      const without = (value: Record<string, any>, ...paths: string[]) => {
        const copy = JSON.parse(JSON.stringify(value));
        for (const path of paths) {
          const parts = path.split('.');
          const last = parts.pop() as string;
          const parent = parts.reduce((at, part) => at?.[part], copy);
          if (parent) delete parent[last];
        }
        return JSON.stringify(copy);
      };
      const answers = [
        await deliver.zendesk(without(json('zendesk', 'event-priority-changed.json'), 'detail.priority', 'detail.requester_id', 'time', 'detail.updated_at')),
        await deliver.jira(without(json('jira', 'issue-created.json'), 'issue.fields.reporter', 'issue.fields.priority', 'timestamp', 'issue.fields.customfield_10002')),
        await deliver.freshdesk(without(json('freshdesk', 'ticket-created.json'), 'freshdesk_webhook.ticket_priority', 'freshdesk_webhook.ticket_status', 'freshdesk_webhook.triggered_event')),
        await deliver.servicenow(without(json('servicenow', 'case-inserted.json'), 'priority', 'contact', 'sys_updated_on', 'changed')),
        await deliver.intercom(without(json('intercom', 'conversation-user-created.json'), 'data.item.priority', 'data.item.source.author', 'created_at')),
        await deliver.salesforce(fixture('salesforce', 'outbound-case.xml').replace(/<sf:(Priority|Subject|LastModifiedDate|ContactEmail)>[^<]*<\/sf:\1>/g, '')),
        await deliver.salesforce(without(json('salesforce', 'cdc-case-priority-owner.json'), 'payload.ChangeEventHeader.commitTimestamp', 'payload.Priority')),
      ];
      expect(answers.map((a) => [a.status, a.json?.title ?? null])).toEqual([[202, null], [202, null], [202, null], [202, null], [202, null], [200, null], [202, null]]);
    });
  });

  describe('redelivery after a fix', () => {
    it('runs a kept delivery through a mapping fixed since, publishes its events, and changes nothing when run again', async () => {
      const quiet = join(dir, 'quiet.jsonata');
      writeFileSync(quiet, 'event = "nothing.we.know" ? { "type": "case.opened" } : undefined');
      const added = await cliJson(['source', 'add', 'kestrel', '--kind', 'mapped', '--mapping', quiet]);
      const created = json('mapped', 'ticket-created.json');
      const key = added.apiKey as string;
      const first = await post(`/v1/webhooks/mapped/kestrel?token=${key}`, JSON.stringify({ ...created, ticket: { ...created.ticket, requester: { ...created.ticket.requester, email: 'dana.lee@globex.io' } } }));
      expect(first).toMatchObject({ status: 202, json: { accepted: 0, ignored: [{ reason: 'the mapping produced no event for this delivery' }] } });
      const [kept] = await eventually('the delivery in the log', async () => {
        const entries = await cliJson(['source', 'log', 'kestrel']);
        return entries.length > 0 ? entries : null;
      });
      expect(kept).toMatchObject({ outcome: 'ignored' });
      expect(kept.body).not.toContain(key);

      expect((await cli(['mapping', 'set', 'kestrel', join(FIXTURES, 'mapped/fixtures/kestrel-desk.jsonata')])).code).toBe(0);
      const redelivered = await cliJson(['source', 'redeliver', 'kestrel', kept.id]);
      expect(redelivered).toMatchObject({ source: 'kestrel', delivery: kept.id, outcome: 'accepted', status: 202, accepted: 1, ids: ['evt_01JNKD8812A'] });
      await consumed();
      expect(await stored('kestrel')).toEqual([expect.objectContaining({ id: 'evt_01JNKD8812A', type: 'forewarn.case.opened', case: 'KD-8812', account_id: 'globex', time: '2025-03-04T09:15:00.000Z' })]);
      expect(await caseRow('KD-8812')).toMatchObject({ account_id: 'globex', severity: 1 });

      const again = await cliJson(['source', 'redeliver', 'kestrel', kept.id]);
      expect(again).toMatchObject({ outcome: 'accepted', ids: ['evt_01JNKD8812A'] });
      await consumed();
      expect(await stored('kestrel')).toHaveLength(1);
      const log = await cliJson(['source', 'log', 'kestrel']);
      expect(log.map((e: { outcome: string; redeliveryOf: string | null }) => [e.outcome, e.redeliveryOf])).toEqual([['accepted', kept.id], ['accepted', kept.id], ['ignored', null]]);
    });

    it('runs a delivery refused for a wrong setting again once the setting is fixed', async () => {
      expect((await cliJson(['source', 'set', 'salesforce-prod', '--setting', 'organizationId=00D000000000001AAA'])).settings.organizationId).toBe('00D000000000001AAA');
      const refused = await deliver.salesforce(fixture('salesforce', 'outbound-case.xml').replace('04l5e00000Gx7QzAAJ', '04l5e00000Gx7QyAAJ').replace('<sf:Status>Escalated</sf:Status>', '<sf:Status>Closed</sf:Status><sf:ClosedDate>2025-01-10T08:00:00.000Z</sf:ClosedDate>').replace('<sf:IsClosed>false</sf:IsClosed>', '<sf:IsClosed>true</sf:IsClosed>').replace('<sf:LastModifiedDate>2025-01-08T13:03:44.000Z</sf:LastModifiedDate>', '<sf:LastModifiedDate>2025-01-10T08:00:00.000Z</sf:LastModifiedDate>'));
      expect(refused).toMatchObject({ status: 400, json: { errors: [{ field: 'OrganizationId' }] } });
      const [rejected] = await eventually('the refused delivery in the log', async () => {
        const entries = await cliJson(['source', 'log', 'salesforce-prod', '--outcome', 'rejected', '--limit', '1']);
        return entries.length > 0 && entries[0].problem?.errors?.[0]?.field === 'OrganizationId' ? entries : null;
      });
      expect(rejected).toMatchObject({ status: 400, mediaType: 'text/xml', body: expect.stringContaining('<sf:Status>Closed</sf:Status>') });
      expect(rejected.body).not.toContain(keys['salesforce-prod']);

      const failed = await cli(['source', 'redeliver', 'salesforce-prod', rejected.id]);
      expect(failed).toMatchObject({ code: 1, stderr: expect.stringContaining('refused again (400)') });
      await cliJson(['source', 'set', 'salesforce-prod', '--setting', `organizationId=${ORG}`]);
      const redelivered = await cliJson(['source', 'redeliver', 'salesforce-prod', rejected.id]);
      expect(redelivered).toMatchObject({ outcome: 'accepted', status: 200, ids: expect.arrayContaining(['sf-5005e00000ABCdEAAX-closed-2025-01-10T08:00:00.000Z']) });
      await consumed();
      expect(await caseRow('SF-5005e00000ABCdEAAX')).toMatchObject({ account_id: ACME, status: 'closed' });
    });
  });

  describe('what reached Kafka', () => {
    it('rebuilds the same placement from the topic: the admin\'s mapping and the cases\' inherited accounts (forewarn replay)', async () => {
      await consumed();
      const placement = () => bus.database.db.query('SELECT source, id, account_id FROM health.events ORDER BY source, id');
      const before = await placement();
      const references = await bus.database.db.query('SELECT account_id, kind, source, value FROM health.account_references');
      expect(references).toEqual([{ account_id: ACME, kind: 'external', source: 'zendesk-eu', value: '360001' }]);
      const replayed = await cli(['replay']);
      expect(replayed.code).toBe(0);
      expect(await placement()).toEqual(before);
      expect(await bus.database.db.query('SELECT account_id, kind, source, value FROM health.account_references')).toEqual(references);
    });

    it('puts exactly what the gateway accepted on events.v1, as account-health stored it', async () => {
      await consumed();
      const topic = await onTopic();
      const store: { source: string; id: string; type: string; time: Date }[] = await bus.database.db.query('SELECT source, id, type, time FROM health.events');
      const key = (e: { source?: string; id?: string }) => `${e.source} ${e.id}`;
      expect(new Set(topic.map(key))).toEqual(new Set(store.map(key)));
      // A redelivered or retried event is on the topic again with the same id; the store keeps the first. Compare those sent once.
      const sent = new Map<string, number>();
      for (const event of topic) sent.set(key(event), (sent.get(key(event)) ?? 0) + 1);
      const times = new Map(store.map((e) => [key(e), [e.type, e.time.toISOString()]]));
      for (const event of topic.filter((e) => sent.get(key(e)) === 1)) expect([key(event), event.type, new Date(event.time).toISOString()]).toEqual([key(event), ...(times.get(key(event)) ?? [])]);
      expect([...sent.values()].filter((n) => n === 1).length).toBeGreaterThan(20);
    });
  });
});
