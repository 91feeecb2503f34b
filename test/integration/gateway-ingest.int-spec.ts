import { type DynamicModule, type INestApplication } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { type GatewayConfig, gatewayEnvSchema, loadConfig } from '@forewarn/config';
import { type Allowance, topicsFor } from '@forewarn/contracts';
import { DeliveriesRepository, DatabaseModule, DeliveryLogReadModel, type SourceKind, SourcesRepository } from '@forewarn/database';
import { intercomSignature, jiraSignature, REDACTED, zendeskSignature } from '@forewarn/ingest';
import { KafkaUnavailableError, Publisher, TOPICS } from '@forewarn/messaging';
import { Metrics, ProblemFilter } from '@forewarn/service-kit';
import zendeskCreated from '../../libs/ingest/src/zendesk/fixtures/event-ticket-created.json';
import zendeskFormChanged from '../../libs/ingest/src/zendesk/fixtures/event-form-changed.json';
import jiraChangelog from '../../libs/ingest/src/jira/fixtures/issue-updated-priority-and-assignee.json';
import freshdeskCreated from '../../libs/ingest/src/freshdesk/fixtures/ticket-created.json';
import serviceNowInserted from '../../libs/ingest/src/servicenow/fixtures/case-inserted.json';
import kestrelCreated from '../../libs/ingest/src/mapped/fixtures/ticket-created.json';
import kestrelReopened from '../../libs/ingest/src/mapped/fixtures/ticket-reopened.json';
import kestrelAgentLogin from '../../libs/ingest/src/mapped/fixtures/agent-login.json';
import intercomTicketCreated from '../../libs/ingest/src/intercom/fixtures/ticket-created.json';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventsModule } from '../../apps/gateway/src/events/events.module';
import { GatewayConfigModule } from '../../apps/gateway/src/gateway.config';
import { DeliveryLog } from '../../apps/gateway/src/webhooks/delivery-log';
import { WebhooksModule } from '../../apps/gateway/src/webhooks/webhooks.module';
import { TestKitModule } from '../support/integration';
import { createTestDatabase, type TestDatabase, testTag } from '../support/services';

/**
 * The gateway's ingest routes over real HTTP and a real PostgreSQL (sources registered through the
 * gateway's repository), with Kafka replaced by an in-memory publisher: every authentication path,
 * the limits, the failure answers, and how rejections are counted.
 */
const SECRET = 'zd-signing-secret-0123456789';
const KESTREL_MAPPING = readFileSync(join(__dirname, '../../libs/ingest/src/mapped/fixtures/kestrel-desk.jsonata'), 'utf8');
const ACCOUNT_MAPPING = '{ "type": "account.upserted", "data": { "id": account, "name": account, "owner": { "email": owner } } }';
const SALESFORCE_ORG = '00D5e000000KQ2eEAG';
const SOURCES: { name: string; kind: SourceKind; secret?: string; mapping?: string; allow?: Allowance[]; settings?: Record<string, unknown> }[] = [
  { name: 'zendesk-eu', kind: 'zendesk', secret: SECRET },
  { name: 'zendesk-plain', kind: 'zendesk' },
  { name: 'jira-cloud', kind: 'jira', secret: 'jira-secret' },
  { name: 'freshdesk', kind: 'freshdesk' },
  { name: 'servicenow', kind: 'servicenow' },
  { name: 'helpdesk', kind: 'events' },
  { name: 'kestrel', kind: 'mapped', mapping: KESTREL_MAPPING },
  { name: 'unmapped', kind: 'mapped' },
  { name: 'throwing', kind: 'mapped', mapping: '$error("no idea what " & event & " is")' },
  { name: 'broken', kind: 'mapped', mapping: '{ "type": ' },
  { name: 'crm-feed', kind: 'mapped', mapping: ACCOUNT_MAPPING },
  { name: 'tickets-feed', kind: 'mapped', mapping: ACCOUNT_MAPPING, allow: ['cases'] },
  { name: 'cases-only', kind: 'events', allow: ['cases', 'meetings'] },
  { name: 'intercom', kind: 'intercom', secret: 'intercom-secret' },
  { name: 'salesforce-prod', kind: 'salesforce', settings: { organizationId: SALESFORCE_ORG } },
  { name: 'kestrel-log', kind: 'mapped', mapping: KESTREL_MAPPING },
];

/** Publisher and topics as MessagingModule provides them, without Kafka. */
const fakeMessaging = (publisher: { publish(batches: never[]): Promise<void> }): DynamicModule => ({
  module: class FakeMessagingModule {},
  global: true,
  providers: [{ provide: Publisher, useValue: publisher }, { provide: TOPICS, useValue: topicsFor('test.') }],
  exports: [Publisher, TOPICS],
});

/** The gateway's ingest features (not the calendar poller) as an HTTP server on a free port. */
async function startGateway(database: TestDatabase, config: GatewayConfig, publisher: { publish(batches: never[]): Promise<void> }): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TestKitModule, DatabaseModule.forRoot({ url: database.url, applicationName: 'forewarn-it-gateway', poolSize: 2 }), fakeMessaging(publisher),
      GatewayConfigModule.forRoot(config), EventsModule, WebhooksModule,
    ],
    providers: [{ provide: APP_FILTER, useClass: ProblemFilter }],
  }).compile();
  const app = moduleRef.createNestApplication({ bodyParser: false, logger: false });
  await app.listen(0, '127.0.0.1');
  return app;
}

let database: TestDatabase;
const keys: Record<string, string> = {};

beforeAll(async () => {
  database = await createTestDatabase(testTag('gw-ingest'));
});

afterAll(async () => {
  await database?.drop();
});

describe('POST /v1/webhooks/<kind>/<source>', () => {
  let app: INestApplication;
  let url: string;
  let published: { key: string; value: string }[][];
  let kafkaDown = false;

  beforeAll(async () => {
    const config = loadConfig(gatewayEnvSchema, { NODE_ENV: 'test', GATEWAY_RATE_LIMIT_PER_SECOND: '1', GATEWAY_RATE_LIMIT_BURST: '1000', GATEWAY_MAX_BODY_BYTES: '65536', GATEWAY_SOURCE_CACHE_MS: '0' });
    const publisher = {
      async publish(batches: { messages: { key: string; value: string }[] }[]) {
        if (kafkaDown) throw new KafkaUnavailableError(new Error('broker down'));
        published.push(batches.flatMap((b) => b.messages));
      },
    };
    app = await startGateway(database, config, publisher);
    url = await app.getUrl();
    const sources = app.get(SourcesRepository);
    for (const s of SOURCES) keys[s.name] = (await sources.add(s.name, s.kind, s.secret ?? null, s.mapping ?? null, s.allow, s.settings)).apiKey;
  });

  afterAll(async () => {
    await app?.close();
  });

  beforeEach(() => {
    published = [];
    kafkaDown = false;
  });

  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : null };
  };
  const signedZendesk = (body: unknown, timestamp = new Date().toISOString(), secret = SECRET) => {
    const raw = JSON.stringify(body);
    return { raw, headers: { 'X-Zendesk-Webhook-Signature': zendeskSignature(secret, timestamp, raw), 'X-Zendesk-Webhook-Signature-Timestamp': timestamp } };
  };

  describe('Zendesk signatures', () => {
    it('accepts a good signature and publishes the mapped event keyed by account', async () => {
      const { raw, headers } = signedZendesk(zendeskCreated);
      const response = await post('/v1/webhooks/zendesk/zendesk-eu', raw, headers);
      expect(response).toMatchObject({ status: 202, json: { accepted: 1, ids: ['zd-01HNX3D9Q0Z5YV3K8M2T6R4W1A'] } });
      expect(published).toHaveLength(1);
      expect(published[0][0].key).toBe('external:360001');
      expect(JSON.parse(published[0][0].value)).toMatchObject({ source: '/sources/zendesk-eu', type: 'forewarn.case.opened', time: '2025-01-08T10:12:07.481Z' });
    });

    it('refuses a bad, stale or missing signature with 401 problem+json, and publishes nothing', async () => {
      const bad = signedZendesk(zendeskCreated, new Date().toISOString(), 'not the secret');
      const stale = signedZendesk(zendeskCreated, new Date(Date.now() - 6 * 60_000).toISOString());
      const future = signedZendesk(zendeskCreated, new Date(Date.now() + 6 * 60_000).toISOString());
      for (const [attempt, reason] of [[bad, 'signature_bad'], [stale, 'signature_stale'], [future, 'signature_stale']] as const) {
        const response = await post('/v1/webhooks/zendesk/zendesk-eu', attempt.raw, attempt.headers);
        expect(response.status).toBe(401);
        expect(response.headers.get('content-type')).toContain('application/problem+json');
        expect(response.json).toMatchObject({ status: 401, reason });
      }
      const missing = await post('/v1/webhooks/zendesk/zendesk-eu', zendeskCreated);
      expect(missing).toMatchObject({ status: 401, json: { reason: 'signature_missing', detail: 'The X-Zendesk-Webhook-Signature header is missing.' } });
      // A signing secret makes the signature mandatory: the api key alone is not enough.
      const keyOnly = await post('/v1/webhooks/zendesk/zendesk-eu', zendeskCreated, { authorization: `Bearer ${keys['zendesk-eu']}` });
      expect(keyOnly.status).toBe(401);
      expect(published).toEqual([]);
    });

    it('answers 202 with an ignored reason for events Forewarn does not track', async () => {
      const { raw, headers } = signedZendesk(zendeskFormChanged);
      const response = await post('/v1/webhooks/zendesk/zendesk-eu', raw, headers);
      expect(response).toMatchObject({ status: 202, json: { accepted: 0, ids: [], ignored: [{ reason: expect.stringContaining('ticket.form_changed') }] } });
      expect(published).toEqual([]);
    });

    it('names the bad field of a malformed payload with 400', async () => {
      const { raw, headers } = signedZendesk({ ...zendeskCreated, detail: undefined });
      const response = await post('/v1/webhooks/zendesk/zendesk-eu', raw, headers);
      expect(response).toMatchObject({ status: 400, json: { errors: [{ field: 'detail', message: 'is required' }], detail: expect.stringContaining('detail is required') } });
      const notJson = signedZendesk('x');
      const broken = await post('/v1/webhooks/zendesk/zendesk-eu', '{"type":', { ...notJson.headers, 'X-Zendesk-Webhook-Signature': zendeskSignature(SECRET, notJson.headers['X-Zendesk-Webhook-Signature-Timestamp'], '{"type":') });
      expect(broken).toMatchObject({ status: 400, json: { title: 'Malformed JSON' } });
    });
  });

  describe('Jira signatures', () => {
    it('accepts sha256= HMAC of the body; two changes in one changelog are two events', async () => {
      const raw = JSON.stringify(jiraChangelog);
      const response = await post('/v1/webhooks/jira/jira-cloud', raw, { 'X-Hub-Signature': jiraSignature('jira-secret', raw) });
      expect(response).toMatchObject({ status: 202, json: { accepted: 2, ids: ['jira-10042-10301-priority', 'jira-10042-10301-assignee'] } });
    });

    it('refuses a wrong or missing X-Hub-Signature', async () => {
      const raw = JSON.stringify(jiraChangelog);
      expect((await post('/v1/webhooks/jira/jira-cloud', raw, { 'X-Hub-Signature': jiraSignature('other', raw) })).json).toMatchObject({ status: 401, reason: 'signature_bad' });
      expect((await post('/v1/webhooks/jira/jira-cloud', raw)).json).toMatchObject({ status: 401, reason: 'signature_missing' });
      expect(published).toEqual([]);
    });
  });

  describe('Intercom and Salesforce', () => {
    const outboundCase = readFileSync(join(__dirname, '../../libs/ingest/src/salesforce/fixtures/outbound-case.xml'), 'utf8');

    it('accepts an Intercom webhook signed with X-Hub-Signature: sha1=, and refuses a wrong signature', async () => {
      const raw = JSON.stringify(intercomTicketCreated);
      expect(await post('/v1/webhooks/intercom/intercom', raw, { 'X-Hub-Signature': intercomSignature('intercom-secret', raw) })).toMatchObject({ status: 202, json: { accepted: 1 } });
      expect(await post('/v1/webhooks/intercom/intercom', raw, { 'X-Hub-Signature': intercomSignature('guess', raw) })).toMatchObject({ status: 401, json: { reason: 'signature_bad' } });
      expect(published).toHaveLength(1);
    });

    it('takes a Salesforce outbound message as text/xml authenticated by ?token=, and answers with the SOAP acknowledgement', async () => {
      const response = await fetch(`${url}/v1/webhooks/salesforce/salesforce-prod?token=${keys['salesforce-prod']}`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' }, body: outboundCase });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/xml');
      expect(await response.text()).toContain('<Ack>true</Ack>');
      expect(JSON.parse(published[0][0].value)).toMatchObject({ source: '/sources/salesforce-prod', type: 'forewarn.case.escalated' });
      const other = outboundCase.replace(SALESFORCE_ORG, '00D000000000001AAA');
      const refused = await fetch(`${url}/v1/webhooks/salesforce/salesforce-prod?token=${keys['salesforce-prod']}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: other });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ errors: [{ field: 'OrganizationId' }] });
      const noKey = await fetch(`${url}/v1/webhooks/salesforce/salesforce-prod`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: outboundCase });
      expect(noKey.status).toBe(401);
      expect(published).toHaveLength(1);
    });

    it('still answers 415 for XML to a vendor that never sends it', async () => {
      const xml = await fetch(`${url}/v1/webhooks/freshdesk/freshdesk?token=${keys.freshdesk}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: outboundCase });
      expect(xml.status).toBe(415);
    });
  });

  describe('the delivery log of each source', () => {
    const log = () => app.get(DeliveryLogReadModel).list('kestrel-log', { limit: 50 });
    const written = () => app.get(DeliveryLog).flushed();

    it('keeps every authenticated delivery with its outcome, events, reasons and body, and not what was refused before authentication', async () => {
      const key = keys['kestrel-log'];
      await post(`/v1/webhooks/mapped/kestrel-log?token=${key}`, { ...kestrelCreated, integration: { password: 'hunter2', apiKey: 'k-42' } });
      await post('/v1/webhooks/mapped/kestrel-log', kestrelAgentLogin, { authorization: `Bearer ${key}`, 'x-request-id': 'req-77' });
      await post(`/v1/webhooks/mapped/kestrel-log?token=${key}`, '{"event":');
      await post(`/v1/webhooks/mapped/kestrel-log?token=${key}`, { ...kestrelCreated, ticket: { ...kestrelCreated.ticket, requester: {}, company: {} } });
      await post('/v1/webhooks/mapped/kestrel-log?token=not-the-key', kestrelCreated);
      await post('/v1/webhooks/mapped/kestrel-log', kestrelCreated);
      await written();

      const entries = await log();
      expect(entries.map((e) => [e.outcome, e.status])).toEqual([['rejected', 400], ['rejected', 400], ['ignored', 202], ['accepted', 202]]);
      const [contract, malformed, ignored, accepted] = entries;
      expect(accepted).toMatchObject({ source: 'kestrel-log', kind: 'mapped', events: ['evt_01JNKD8812A'], ignored: [], problem: null, mediaType: 'application/json', truncated: false });
      expect(JSON.parse(accepted.body!)).toMatchObject({ event: 'ticket.created', integration: { password: REDACTED, apiKey: REDACTED } });
      expect(accepted.body).not.toContain('hunter2');
      expect(ignored).toMatchObject({ events: [], ignored: [{ reason: 'the mapping produced no event for this delivery' }], correlationId: 'req-77' });
      expect(malformed).toMatchObject({ problem: { title: 'Malformed JSON' }, body: '{"event":' });
      expect(contract.problem).toMatchObject({ title: 'Invalid webhook payload', errors: [{ field: 'events[0].data.account' }] });
      const kept = JSON.stringify(await database.db.query("SELECT * FROM gateway.deliveries WHERE source = 'kestrel-log'"));
      expect(kept).not.toContain(key);
      expect(kept).not.toContain('not-the-key');
      expect(await app.get(DeliveriesRepository).find('kestrel-log', accepted.id)).toMatchObject({ id: accepted.id, headers: { 'content-type': 'application/json' } });
      expect(Object.keys((await app.get(DeliveriesRepository).find('kestrel-log', ignored.id))!.headers)).not.toContain('authorization');
    });

    it('pages the log newest first, filters it by outcome, and keeps /v1/events out of it', async () => {
      const all = await log();
      expect((await app.get(DeliveryLogReadModel).list('kestrel-log', { limit: 2, outcome: 'rejected' })).map((e) => e.outcome)).toEqual(['rejected', 'rejected']);
      expect((await app.get(DeliveryLogReadModel).list('kestrel-log', { limit: 10, before: all[1].id })).map((e) => e.id)).toEqual(all.slice(2).map((e) => e.id));
      expect((await app.get(DeliveryLogReadModel).list('kestrel-log', { limit: 1, withoutBodies: true }))[0].body).toBeNull();
      await post('/v1/events', { specversion: '1.0', id: 'e-log', type: 'forewarn.case.opened', data: { account: { id: 'acme' }, case: { id: 'ZD-1' } } }, { authorization: `Bearer ${keys.helpdesk}` });
      await written();
      expect((await app.get(DeliveryLogReadModel).list('helpdesk', { limit: 10 })).map((e) => [e.status, e.problem?.detail])).toEqual([]);
    });

    it('deletes deliveries past their retention, one gateway at a time', async () => {
      const deliveries = app.get(DeliveriesRepository);
      const old = { receivedAt: new Date(Date.now() - 8 * 86_400_000), source: 'kestrel-log', kind: 'mapped', outcome: 'ignored' as const, status: 202, eventIds: [], ignored: [], problem: null, mediaType: null, headers: {}, body: '{}', bodyBytes: 2, bodyTruncated: false, correlationId: null };
      const [oldId] = await deliveries.record([old]);
      const before = (await log()).length;
      expect(await app.get(DeliveryLog).cleanup()).toBe('idle');
      expect(await deliveries.find('kestrel-log', oldId)).toBeNull();
      expect((await log()).length).toBe(before - 1);
    });
  });

  describe('api keys, for sources without a signing secret', () => {
    it('takes the key as bearer, as Basic user name, or as ?token=', async () => {
      expect((await post('/v1/webhooks/servicenow/servicenow', serviceNowInserted, { authorization: `Bearer ${keys.servicenow}` })).status).toBe(202);
      const basic = Buffer.from(`${keys.freshdesk}:X`).toString('base64');
      expect((await post('/v1/webhooks/freshdesk/freshdesk', freshdeskCreated, { authorization: `Basic ${basic}` })).status).toBe(202);
      expect((await post(`/v1/webhooks/freshdesk/freshdesk?token=${keys.freshdesk}`, freshdeskCreated)).status).toBe(202);
      expect((await post('/v1/webhooks/zendesk/zendesk-plain', zendeskCreated, { authorization: `Bearer ${keys['zendesk-plain']}` })).status).toBe(202);
      expect(published).toHaveLength(4);
    });

    it('gives a retried delivery the same event ids', async () => {
      const first = await post(`/v1/webhooks/freshdesk/freshdesk?token=${keys.freshdesk}`, freshdeskCreated);
      const again = await post(`/v1/webhooks/freshdesk/freshdesk?token=${keys.freshdesk}`, freshdeskCreated);
      expect(again.json.ids).toEqual(first.json.ids);
    });

    it('refuses no key (401), an unknown key (401) and another source\'s key (403)', async () => {
      expect((await post('/v1/webhooks/freshdesk/freshdesk', freshdeskCreated)).status).toBe(401);
      expect((await post('/v1/webhooks/freshdesk/freshdesk?token=nope', freshdeskCreated)).status).toBe(401);
      const other = await post('/v1/webhooks/freshdesk/freshdesk', freshdeskCreated, { authorization: `Bearer ${keys.servicenow}` });
      expect(other).toMatchObject({ status: 403, json: { detail: 'This api key belongs to source "servicenow", not "freshdesk".' } });
      expect(published).toEqual([]);
    });
  });

  describe('mapped sources (a JSONata mapping stored with the source)', () => {
    it('maps any JSON webhook to canonical events, authenticated by the source api key', async () => {
      const response = await post('/v1/webhooks/mapped/kestrel', kestrelCreated, { authorization: `Bearer ${keys.kestrel}` });
      expect(response).toMatchObject({ status: 202, json: { accepted: 1, ids: ['evt_01JNKD8812A'] } });
      expect(published).toHaveLength(1);
      expect(published[0][0].key).toBe('domain:acme.com');
      expect(JSON.parse(published[0][0].value)).toMatchObject({ source: '/sources/kestrel', type: 'forewarn.case.opened', time: '2025-03-04T09:15:00.000Z', data: { case: { id: 'KD-8812', severity: 1 } } });
      const two = await post(`/v1/webhooks/mapped/kestrel?token=${keys.kestrel}`, kestrelReopened);
      expect(two).toMatchObject({ status: 202, json: { accepted: 2, ids: ['evt_01JNKD8812F', 'evt_01JNKD8812F-rejected'] } });
    });

    it('answers 202 with the reason when the mapping produces nothing', async () => {
      const response = await post('/v1/webhooks/mapped/kestrel', kestrelAgentLogin, { authorization: `Bearer ${keys.kestrel}` });
      expect(response).toMatchObject({ status: 202, json: { accepted: 0, ids: [], ignored: [{ reason: 'the mapping produced no event for this delivery' }] } });
      expect(published).toEqual([]);
    });

    it('answers 400 problem+json naming the field when the mapped event breaks the contract', async () => {
      const noCustomer = { ...kestrelCreated, ticket: { ...kestrelCreated.ticket, requester: {}, company: {} } };
      const response = await post('/v1/webhooks/mapped/kestrel', noCustomer, { authorization: `Bearer ${keys.kestrel}` });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.json).toMatchObject({ errors: [{ field: 'events[0].data.account', message: 'needs at least one of id, domain, externalId' }], detail: expect.stringContaining('events[0].data.account needs at least one of id, domain, externalId') });
      expect(published).toEqual([]);
    });

    it('answers 400 with the JSONata error when the mapping throws', async () => {
      const response = await post('/v1/webhooks/mapped/throwing', kestrelCreated, { authorization: `Bearer ${keys.throwing}` });
      expect(response).toMatchObject({ status: 400, json: { title: 'Mapping failed', mappingError: { code: 'D3137', message: 'no idea what ticket.created is' }, detail: expect.stringContaining('D3137') } });
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(published).toEqual([]);
    });

    it('refuses deliveries while the source has no usable mapping (409), and other keys or kinds', async () => {
      expect(await post('/v1/webhooks/mapped/unmapped', kestrelCreated, { authorization: `Bearer ${keys.unmapped}` })).toMatchObject({ status: 409, json: { detail: expect.stringContaining('forewarn mapping set unmapped') } });
      expect(await post('/v1/webhooks/mapped/broken', kestrelCreated, { authorization: `Bearer ${keys.broken}` })).toMatchObject({ status: 409, json: { mappingError: { code: expect.stringMatching(/^S0/) } } });
      expect((await post('/v1/webhooks/mapped/kestrel', kestrelCreated)).status).toBe(401);
      expect((await post('/v1/webhooks/mapped/kestrel', kestrelCreated, { authorization: `Bearer ${keys.freshdesk}` })).status).toBe(403);
      expect(await post(`/v1/webhooks/mapped/freshdesk?token=${keys.freshdesk}`, freshdeskCreated)).toMatchObject({ status: 403, json: { detail: expect.stringContaining('send to /v1/webhooks/freshdesk/freshdesk') } });
      expect(await post(`/v1/webhooks/freshdesk/kestrel?token=${keys.kestrel}`, freshdeskCreated)).toMatchObject({ status: 403, json: { detail: expect.stringContaining('send to /v1/webhooks/mapped/kestrel') } });
      expect(await post('/v1/webhooks/mapped/nobody', {})).toMatchObject({ status: 404, json: { detail: expect.stringContaining('--kind mapped') } });
      expect((await post(`/v1/webhooks/mapped/kestrel?token=${keys.kestrel}`, '{"event":')).json).toMatchObject({ status: 400, title: 'Malformed JSON' });
      expect(published).toEqual([]);
    });
  });

  describe('what each source may send', () => {
    const event = (type: string, extra: Record<string, unknown> = {}) => ({
      specversion: '1.0', id: `e-${type}`, type, ...extra,
      data: type === 'forewarn.account.upserted' ? { id: 'acme', name: 'Acme', owner: { email: 'someone@else.example' } } : { account: { id: 'acme' }, case: { id: 'ZD-1' } },
    });
    const batch = (key: string, events: unknown[]) =>
      post('/v1/events', JSON.stringify(events), { authorization: `Bearer ${key}`, 'content-type': 'application/cloudevents-batch+json' });

    it('refuses a whole batch with 403 when one event is outside the source\'s allowance, naming its type and index', async () => {
      const response = await batch(keys['cases-only'], [event('forewarn.case.opened'), event('forewarn.account.upserted')]);
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.json).toMatchObject({ errors: [{ field: '[1].type', message: 'forewarn.account.upserted is not allowed for source "cases-only" (allows: cases, meetings)' }] });
      expect(response.json.detail).toContain('nothing was accepted');
      expect((await batch(keys.helpdesk, [event('forewarn.case.opened'), event('forewarn.account.upserted')])).status).toBe(202);
      expect(published).toHaveLength(1);
    });

    it('refuses a mapped event the source may not send with 403, and takes it from a source allowed accounts', async () => {
      const delivery = { account: 'acme', owner: 'someone@else.example' };
      const refused = await post(`/v1/webhooks/mapped/tickets-feed?token=${keys['tickets-feed']}`, delivery);
      expect(refused).toMatchObject({ status: 403, json: { errors: [{ field: 'events[0].type', message: 'forewarn.account.upserted is not allowed for source "tickets-feed" (allows: cases)' }] } });
      expect(published).toEqual([]);
      expect((await post(`/v1/webhooks/mapped/crm-feed?token=${keys['crm-feed']}`, delivery)).status).toBe(202);
    });

    it('refuses an event dated more than 5 minutes ahead (400 naming time), and a case link that is not http(s)', async () => {
      const ahead = new Date(Date.now() + 2 * 24 * 3_600_000).toISOString();
      const future = await batch(keys.helpdesk, [event('forewarn.case.opened'), event('forewarn.case.updated', { time: ahead })]);
      expect(future).toMatchObject({ status: 400, json: { errors: [{ field: '[1].time', message: expect.stringContaining('5 minutes ahead') }] } });
      const soon = new Date(Date.now() + 60_000).toISOString();
      expect((await batch(keys.helpdesk, [event('forewarn.case.opened', { time: soon })])).status).toBe(202);
      const link = await post('/v1/events', { ...event('forewarn.case.opened'), data: { account: { id: 'acme' }, case: { id: 'ZD-1', url: 'javascript:alert(1)' } } }, { authorization: `Bearer ${keys.helpdesk}` });
      expect(link).toMatchObject({ status: 400, json: { errors: [{ field: 'data.case.url', message: 'must be an http or https URL' }] } });
      expect(published).toHaveLength(1);
    });
  });

  describe('sources as the repository keeps them', () => {
    const postEvent = (key: string) => post('/v1/events', { specversion: '1.0', id: `e-${key.slice(-6)}`, type: 'forewarn.case.opened', data: { account: { id: 'acme' }, case: { id: 'ZD-9' } } }, { authorization: `Bearer ${key}` });

    it('takes a rotated-out key during its grace period only, and no key of a removed source', async () => {
      const sources = app.get(SourcesRepository);
      const { apiKey: first } = await sources.add('rotating', 'events', null);
      const { apiKey: second } = await sources.rotateKey('rotating', 60_000);
      expect([(await postEvent(first)).status, (await postEvent(second)).status]).toEqual([202, 202]);
      const { apiKey: third } = await sources.rotateKey('rotating', 0);
      expect([(await postEvent(first)).status, (await postEvent(second)).status, (await postEvent(third)).status]).toEqual([401, 401, 202]);
      await sources.remove('rotating');
      expect((await postEvent(third)).status).toBe(401);
    });
  });

  describe('rejection metrics', () => {
    const counted = async (name: string, labels: Record<string, string>) => {
      const metric = app.get(Metrics).registry.getSingleMetric(name);
      const values = metric ? (await metric.get()).values : [];
      return values.find((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value))?.value ?? 0;
    };

    it('counts each rejection once by status, the guards\' refusals included', async () => {
      const rejected = (status: string) => counted('forewarn_gateway_requests_rejected_total', { status });
      const before = [await rejected('401'), await rejected('403'), await counted('forewarn_gateway_webhooks_total', { kind: 'mapped', outcome: 'rejected' })];
      expect((await post(`/v1/webhooks/mapped/tickets-feed?token=${keys['tickets-feed']}`, { account: 'acme', owner: 'someone@else.example' })).status).toBe(403);
      expect((await post('/v1/webhooks/freshdesk/freshdesk', freshdeskCreated)).status).toBe(401);
      expect((await post('/v1/events', {})).status).toBe(401);
      const after = [await rejected('401'), await rejected('403'), await counted('forewarn_gateway_webhooks_total', { kind: 'mapped', outcome: 'rejected' })];
      expect(after.map((value, i) => value - before[i])).toEqual([2, 1, 1]);
    });
  });

  describe('routing and limits', () => {
    it('answers 404 for an unknown kind or source, 403 for a source of another kind', async () => {
      expect((await post('/v1/webhooks/github/freshdesk', {})).status).toBe(404);
      expect(await post('/v1/webhooks/freshdesk/nobody', {})).toMatchObject({ status: 404, json: { detail: expect.stringContaining('npx forewarn source add nobody --kind freshdesk') } });
      const wrongKind = await post(`/v1/webhooks/jira/freshdesk?token=${keys.freshdesk}`, freshdeskCreated);
      expect(wrongKind).toMatchObject({ status: 403, json: { detail: 'Source "freshdesk" is registered as freshdesk, not jira; send to /v1/webhooks/freshdesk/freshdesk.' } });
      expect((await post(`/v1/webhooks/zendesk/helpdesk?token=${keys.helpdesk}`, zendeskCreated)).status).toBe(403);
    });

    it('answers 415 for a body that is not JSON and 413 for a body over the limit', async () => {
      const form = await fetch(`${url}/v1/webhooks/freshdesk/freshdesk?token=${keys.freshdesk}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' });
      expect(form.status).toBe(415);
      const huge = { ...freshdeskCreated, padding: 'x'.repeat(70_000) };
      expect(await post(`/v1/webhooks/freshdesk/freshdesk?token=${keys.freshdesk}`, huge)).toMatchObject({ status: 413, json: { title: 'Content Too Large' } });
      expect(published).toEqual([]);
    });

    it('answers 503 with Retry-After when Kafka is down, and nothing is half-accepted', async () => {
      kafkaDown = true;
      const response = await post('/v1/webhooks/servicenow/servicenow', serviceNowInserted, { authorization: `Bearer ${keys.servicenow}` });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(response.json).toMatchObject({ detail: expect.stringContaining('nothing was accepted') });
      expect(published).toEqual([]);
    });
  });
});

describe('rate limit', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    const config = loadConfig(gatewayEnvSchema, { NODE_ENV: 'test', GATEWAY_RATE_LIMIT_PER_SECOND: '0.5', GATEWAY_RATE_LIMIT_BURST: '2' });
    app = await startGateway(database, config, { publish: async () => undefined });
    url = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('answers 429 with Retry-After per source once the burst is used, on webhooks and /v1/events alike', async () => {
    const send = () => fetch(`${url}/v1/webhooks/freshdesk/freshdesk?token=${keys.freshdesk}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(freshdeskCreated) });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push(await send());
    expect(statuses.map((r) => r.status)).toEqual([202, 202, 429]);
    expect(statuses[2].headers.get('retry-after')).toBe('2');
    expect(statuses[2].headers.get('content-type')).toContain('application/problem+json');
    // Another source has its own bucket.
    const other = await fetch(`${url}/v1/webhooks/servicenow/servicenow`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.servicenow}` }, body: JSON.stringify(serviceNowInserted) });
    expect(other.status).toBe(202);
    const events = () => fetch(`${url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.helpdesk}` }, body: JSON.stringify({ specversion: '1.0', id: 'e1', type: 'forewarn.case.opened', data: { account: { id: 'a' }, case: { id: 'c' } } }) });
    expect([(await events()).status, (await events()).status, (await events()).status]).toEqual([202, 202, 429]);
  });
});
