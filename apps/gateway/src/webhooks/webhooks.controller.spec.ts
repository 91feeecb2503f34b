import type { INestApplication } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { gatewayEnvSchema, loadConfig } from '@forewarn/config';
import { topicsFor } from '@forewarn/contracts';
import { hashCredential, SOURCE_KIND_ALLOWANCES, type SourceKind } from '@forewarn/database';
import { jiraSignature, zendeskSignature } from '@forewarn/ingest';
import { KafkaUnavailableError, Publisher, TOPICS } from '@forewarn/messaging';
import { Metrics, ProblemFilter } from '@forewarn/service-kit';
import { DataSource } from 'typeorm';
import zendeskCreated from '../../../../libs/ingest/src/zendesk/fixtures/event-ticket-created.json';
import zendeskFormChanged from '../../../../libs/ingest/src/zendesk/fixtures/event-form-changed.json';
import jiraChangelog from '../../../../libs/ingest/src/jira/fixtures/issue-updated-priority-and-assignee.json';
import freshdeskCreated from '../../../../libs/ingest/src/freshdesk/fixtures/ticket-created.json';
import serviceNowInserted from '../../../../libs/ingest/src/servicenow/fixtures/case-inserted.json';
import kestrelCreated from '../../../../libs/ingest/src/mapped/fixtures/ticket-created.json';
import kestrelReopened from '../../../../libs/ingest/src/mapped/fixtures/ticket-reopened.json';
import kestrelAgentLogin from '../../../../libs/ingest/src/mapped/fixtures/agent-login.json';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventsController } from '../events/events.controller';
import { IngestService } from '../events/ingest.service';
import { SourceAuth } from '../events/source-auth';
import { GATEWAY_CONFIG } from '../gateway.config';
import { ClientRateLimiter } from '../limits/client-rate-limiter';
import { RateLimiter } from '../limits/rate-limiter';
import { WebhooksController } from './webhooks.controller';

/**
 * The webhook endpoint over real HTTP, with the database and Kafka replaced by in-memory fakes:
 * every authentication path, the limits and the failure answers, without infrastructure.
 */
const SECRET = 'zd-signing-secret-0123456789';
const KESTREL_MAPPING = readFileSync(join(__dirname, '../../../../libs/ingest/src/mapped/fixtures/kestrel-desk.jsonata'), 'utf8');
const ACCOUNT_MAPPING = '{ "type": "account.upserted", "data": { "id": account, "name": account, "owner": { "email": owner } } }';
const sources: { name: string; kind: string; key: string; secret: string | null; mapping?: string | null; allow?: string[] }[] = [
  { name: 'zendesk-eu', kind: 'zendesk', key: 'fw_src_zendesk', secret: SECRET },
  { name: 'zendesk-plain', kind: 'zendesk', key: 'fw_src_zendesk_plain', secret: null },
  { name: 'jira-cloud', kind: 'jira', key: 'fw_src_jira', secret: 'jira-secret' },
  { name: 'freshdesk', kind: 'freshdesk', key: 'fw_src_freshdesk', secret: null },
  { name: 'servicenow', kind: 'servicenow', key: 'fw_src_servicenow', secret: null },
  { name: 'helpdesk', kind: 'events', key: 'fw_src_events', secret: null },
  { name: 'kestrel', kind: 'mapped', key: 'fw_src_kestrel', secret: null, mapping: KESTREL_MAPPING },
  { name: 'unmapped', kind: 'mapped', key: 'fw_src_unmapped', secret: null, mapping: null },
  { name: 'throwing', kind: 'mapped', key: 'fw_src_throwing', secret: null, mapping: '$error("no idea what " & event & " is")' },
  { name: 'broken', kind: 'mapped', key: 'fw_src_broken', secret: null, mapping: '{ "type": ' },
  { name: 'crm-feed', kind: 'mapped', key: 'fw_src_crm', secret: null, mapping: ACCOUNT_MAPPING },
  { name: 'tickets-feed', kind: 'mapped', key: 'fw_src_tickets', secret: null, mapping: ACCOUNT_MAPPING, allow: ['cases'] },
  { name: 'cases-only', kind: 'events', key: 'fw_src_cases_only', secret: null, allow: ['cases', 'meetings'] },
];

const fakeDb = {
  async query(sql: string, [value]: string[]) {
    const found = sources.filter((s) => (sql.includes('api_key_hash') ? hashCredential(s.key) === value : s.name === value));
    return found.map((s) => ({ name: s.name, kind: s.kind, signing_secret: s.secret, mapping: s.mapping ?? null, allow: s.allow ?? SOURCE_KIND_ALLOWANCES[s.kind as SourceKind] }));
  },
};

describe('POST /v1/webhooks/<kind>/<source>', () => {
  let app: INestApplication;
  let url: string;
  let published: { key: string; value: string }[][];
  let kafkaDown = false;

  beforeAll(async () => {
    const config = loadConfig(gatewayEnvSchema, { NODE_ENV: 'test', GATEWAY_RATE_LIMIT_PER_SECOND: '1', GATEWAY_RATE_LIMIT_BURST: '1000', GATEWAY_MAX_BODY_BYTES: '65536' });
    const publisher = {
      async publish(batches: { messages: { key: string; value: string }[] }[]) {
        if (kafkaDown) throw new KafkaUnavailableError(new Error('broker down'));
        published.push(batches.flatMap((b) => b.messages));
      },
    };
    const moduleRef = await Test.createTestingModule({
      controllers: [WebhooksController, EventsController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: DataSource, useValue: fakeDb },
        { provide: Publisher, useValue: publisher },
        { provide: TOPICS, useValue: topicsFor('test.') },
        { provide: APP_FILTER, useClass: ProblemFilter },
        Metrics,
        SourceAuth,
        IngestService,
        RateLimiter,
        ClientRateLimiter,
      ],
    }).compile();
    app = moduleRef.createNestApplication({ bodyParser: false, logger: false });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
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
      const keyOnly = await post('/v1/webhooks/zendesk/zendesk-eu', zendeskCreated, { authorization: 'Bearer fw_src_zendesk' });
      expect(keyOnly.status).toBe(401);
      expect(published).toEqual([]);
    });

    it('answers 202 with an ignored reason for events Forewarn does not track', async () => {
      const { raw, headers } = signedZendesk(zendeskFormChanged);
      const response = await post('/v1/webhooks/zendesk/zendesk-eu', raw, headers);
      expect(response).toMatchObject({ status: 202, json: { accepted: 0, ids: [], ignored: expect.stringContaining('ticket.form_changed') } });
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

  describe('api keys, for sources without a signing secret', () => {
    it('takes the key as bearer, as Basic user name, or as ?token=', async () => {
      expect((await post('/v1/webhooks/servicenow/servicenow', serviceNowInserted, { authorization: 'Bearer fw_src_servicenow' })).status).toBe(202);
      const basic = Buffer.from('fw_src_freshdesk:X').toString('base64');
      expect((await post('/v1/webhooks/freshdesk/freshdesk', freshdeskCreated, { authorization: `Basic ${basic}` })).status).toBe(202);
      expect((await post('/v1/webhooks/freshdesk/freshdesk?token=fw_src_freshdesk', freshdeskCreated)).status).toBe(202);
      expect((await post('/v1/webhooks/zendesk/zendesk-plain', zendeskCreated, { authorization: 'Bearer fw_src_zendesk_plain' })).status).toBe(202);
      expect(published).toHaveLength(4);
    });

    it('gives a retried delivery the same event ids', async () => {
      const first = await post('/v1/webhooks/freshdesk/freshdesk?token=fw_src_freshdesk', freshdeskCreated);
      const again = await post('/v1/webhooks/freshdesk/freshdesk?token=fw_src_freshdesk', freshdeskCreated);
      expect(again.json.ids).toEqual(first.json.ids);
    });

    it('refuses no key (401), an unknown key (401) and another source\'s key (403)', async () => {
      expect((await post('/v1/webhooks/freshdesk/freshdesk', freshdeskCreated)).status).toBe(401);
      expect((await post('/v1/webhooks/freshdesk/freshdesk?token=nope', freshdeskCreated)).status).toBe(401);
      const other = await post('/v1/webhooks/freshdesk/freshdesk', freshdeskCreated, { authorization: 'Bearer fw_src_servicenow' });
      expect(other).toMatchObject({ status: 403, json: { detail: 'This api key belongs to source "servicenow", not "freshdesk".' } });
      expect(published).toEqual([]);
    });
  });

  describe('mapped sources (a JSONata mapping stored with the source)', () => {
    it('maps any JSON webhook to canonical events, authenticated by the source api key', async () => {
      const response = await post('/v1/webhooks/mapped/kestrel', kestrelCreated, { authorization: 'Bearer fw_src_kestrel' });
      expect(response).toMatchObject({ status: 202, json: { accepted: 1, ids: ['evt_01JNKD8812A'] } });
      expect(published).toHaveLength(1);
      expect(published[0][0].key).toBe('domain:acme.com');
      expect(JSON.parse(published[0][0].value)).toMatchObject({ source: '/sources/kestrel', type: 'forewarn.case.opened', time: '2025-03-04T09:15:00.000Z', data: { case: { id: 'KD-8812', severity: 1 } } });
      const two = await post('/v1/webhooks/mapped/kestrel?token=fw_src_kestrel', kestrelReopened);
      expect(two).toMatchObject({ status: 202, json: { accepted: 2, ids: ['evt_01JNKD8812F', 'evt_01JNKD8812F-rejected'] } });
    });

    it('answers 202 with the reason when the mapping produces nothing', async () => {
      const response = await post('/v1/webhooks/mapped/kestrel', kestrelAgentLogin, { authorization: 'Bearer fw_src_kestrel' });
      expect(response).toMatchObject({ status: 202, json: { accepted: 0, ids: [], ignored: 'the mapping produced no event for this delivery' } });
      expect(published).toEqual([]);
    });

    it('answers 400 problem+json naming the field when the mapped event breaks the contract', async () => {
      const noCustomer = { ...kestrelCreated, ticket: { ...kestrelCreated.ticket, requester: {}, company: {} } };
      const response = await post('/v1/webhooks/mapped/kestrel', noCustomer, { authorization: 'Bearer fw_src_kestrel' });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.json).toMatchObject({ errors: [{ field: 'events[0].data.account', message: 'needs at least one of id, domain, externalId' }], detail: expect.stringContaining('events[0].data.account needs at least one of id, domain, externalId') });
      expect(published).toEqual([]);
    });

    it('answers 400 with the JSONata error when the mapping throws', async () => {
      const response = await post('/v1/webhooks/mapped/throwing', kestrelCreated, { authorization: 'Bearer fw_src_throwing' });
      expect(response).toMatchObject({ status: 400, json: { title: 'Mapping failed', mappingError: { code: 'D3137', message: 'no idea what ticket.created is' }, detail: expect.stringContaining('D3137') } });
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(published).toEqual([]);
    });

    it('refuses deliveries while the source has no usable mapping (409), and other keys or kinds', async () => {
      expect(await post('/v1/webhooks/mapped/unmapped', kestrelCreated, { authorization: 'Bearer fw_src_unmapped' })).toMatchObject({ status: 409, json: { detail: expect.stringContaining('forewarn mapping set unmapped') } });
      expect(await post('/v1/webhooks/mapped/broken', kestrelCreated, { authorization: 'Bearer fw_src_broken' })).toMatchObject({ status: 409, json: { mappingError: { code: expect.stringMatching(/^S0/) } } });
      expect((await post('/v1/webhooks/mapped/kestrel', kestrelCreated)).status).toBe(401);
      expect((await post('/v1/webhooks/mapped/kestrel', kestrelCreated, { authorization: 'Bearer fw_src_freshdesk' })).status).toBe(403);
      expect(await post('/v1/webhooks/mapped/freshdesk?token=fw_src_freshdesk', freshdeskCreated)).toMatchObject({ status: 403, json: { detail: expect.stringContaining('send to /v1/webhooks/freshdesk/freshdesk') } });
      expect(await post('/v1/webhooks/freshdesk/kestrel?token=fw_src_kestrel', freshdeskCreated)).toMatchObject({ status: 403, json: { detail: expect.stringContaining('send to /v1/webhooks/mapped/kestrel') } });
      expect(await post('/v1/webhooks/mapped/nobody', {})).toMatchObject({ status: 404, json: { detail: expect.stringContaining('--kind mapped') } });
      expect((await post('/v1/webhooks/mapped/kestrel?token=fw_src_kestrel', '{"event":')).json).toMatchObject({ status: 400, title: 'Malformed JSON' });
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
      const response = await batch('fw_src_cases_only', [event('forewarn.case.opened'), event('forewarn.account.upserted')]);
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.json).toMatchObject({ errors: [{ field: '[1].type', message: 'forewarn.account.upserted is not allowed for source "cases-only" (allows: cases, meetings)' }] });
      expect(response.json.detail).toContain('nothing was accepted');
      expect((await batch('fw_src_events', [event('forewarn.case.opened'), event('forewarn.account.upserted')])).status).toBe(202);
      expect(published).toHaveLength(1);
    });

    it('refuses a mapped event the source may not send with 403, and takes it from a source allowed accounts', async () => {
      const delivery = { account: 'acme', owner: 'someone@else.example' };
      const refused = await post('/v1/webhooks/mapped/tickets-feed?token=fw_src_tickets', delivery);
      expect(refused).toMatchObject({ status: 403, json: { errors: [{ field: 'events[0].type', message: 'forewarn.account.upserted is not allowed for source "tickets-feed" (allows: cases)' }] } });
      expect(published).toEqual([]);
      expect((await post('/v1/webhooks/mapped/crm-feed?token=fw_src_crm', delivery)).status).toBe(202);
    });

    it('refuses an event dated more than 5 minutes ahead (400 naming time), and a case link that is not http(s)', async () => {
      const ahead = new Date(Date.now() + 2 * 24 * 3_600_000).toISOString();
      const future = await batch('fw_src_events', [event('forewarn.case.opened'), event('forewarn.case.updated', { time: ahead })]);
      expect(future).toMatchObject({ status: 400, json: { errors: [{ field: '[1].time', message: expect.stringContaining('5 minutes ahead') }] } });
      const soon = new Date(Date.now() + 60_000).toISOString();
      expect((await batch('fw_src_events', [event('forewarn.case.opened', { time: soon })])).status).toBe(202);
      const link = await post('/v1/events', { ...event('forewarn.case.opened'), data: { account: { id: 'acme' }, case: { id: 'ZD-1', url: 'javascript:alert(1)' } } }, { authorization: 'Bearer fw_src_events' });
      expect(link).toMatchObject({ status: 400, json: { errors: [{ field: 'data.case.url', message: 'must be an http or https URL' }] } });
      expect(published).toHaveLength(1);
    });
  });

  describe('routing and limits', () => {
    it('answers 404 for an unknown kind or source, 403 for a source of another kind', async () => {
      expect((await post('/v1/webhooks/github/freshdesk', {})).status).toBe(404);
      expect(await post('/v1/webhooks/freshdesk/nobody', {})).toMatchObject({ status: 404, json: { detail: expect.stringContaining('npx forewarn source add nobody --kind freshdesk') } });
      const wrongKind = await post('/v1/webhooks/jira/freshdesk?token=fw_src_freshdesk', freshdeskCreated);
      expect(wrongKind).toMatchObject({ status: 403, json: { detail: 'Source "freshdesk" is registered as freshdesk, not jira; send to /v1/webhooks/freshdesk/freshdesk.' } });
      expect((await post('/v1/webhooks/zendesk/helpdesk?token=fw_src_events', zendeskCreated)).status).toBe(403);
    });

    it('answers 415 for a body that is not JSON and 413 for a body over the limit', async () => {
      const form = await fetch(`${url}/v1/webhooks/freshdesk/freshdesk?token=fw_src_freshdesk`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' });
      expect(form.status).toBe(415);
      const huge = { ...freshdeskCreated, padding: 'x'.repeat(70_000) };
      expect(await post('/v1/webhooks/freshdesk/freshdesk?token=fw_src_freshdesk', huge)).toMatchObject({ status: 413, json: { title: 'Content Too Large' } });
      expect(published).toEqual([]);
    });

    it('answers 503 with Retry-After when Kafka is down, and nothing is half-accepted', async () => {
      kafkaDown = true;
      const response = await post('/v1/webhooks/servicenow/servicenow', serviceNowInserted, { authorization: 'Bearer fw_src_servicenow' });
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
    const moduleRef = await Test.createTestingModule({
      controllers: [WebhooksController, EventsController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: DataSource, useValue: fakeDb },
        { provide: Publisher, useValue: { publish: async () => undefined } },
        { provide: TOPICS, useValue: topicsFor('test.') },
        { provide: APP_FILTER, useClass: ProblemFilter },
        Metrics,
        SourceAuth,
        IngestService,
        RateLimiter,
        ClientRateLimiter,
      ],
    }).compile();
    app = moduleRef.createNestApplication({ bodyParser: false, logger: false });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('answers 429 with Retry-After per source once the burst is used, on webhooks and /v1/events alike', async () => {
    const send = () => fetch(`${url}/v1/webhooks/freshdesk/freshdesk?token=fw_src_freshdesk`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(freshdeskCreated) });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push(await send());
    expect(statuses.map((r) => r.status)).toEqual([202, 202, 429]);
    expect(statuses[2].headers.get('retry-after')).toBe('2');
    expect(statuses[2].headers.get('content-type')).toContain('application/problem+json');
    // Another source has its own bucket.
    const other = await fetch(`${url}/v1/webhooks/servicenow/servicenow`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer fw_src_servicenow' }, body: JSON.stringify(serviceNowInserted) });
    expect(other.status).toBe(202);
    const events = () => fetch(`${url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer fw_src_events' }, body: JSON.stringify({ specversion: '1.0', id: 'e1', type: 'forewarn.case.opened', data: { account: { id: 'a' }, case: { id: 'c' } } }) });
    expect([(await events()).status, (await events()).status, (await events()).status]).toEqual([202, 202, 429]);
  });
});
