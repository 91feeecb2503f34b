import { jiraSignature, zendeskSignature } from '@forewarn/ingest';
import freshdeskCreated from '../libs/ingest/src/freshdesk/fixtures/ticket-created.json';
import jiraCreated from '../libs/ingest/src/jira/fixtures/issue-created.json';
import jiraChangelog from '../libs/ingest/src/jira/fixtures/issue-updated-priority-and-assignee.json';
import serviceNowInserted from '../libs/ingest/src/servicenow/fixtures/case-inserted.json';
import zendeskCreated from '../libs/ingest/src/zendesk/fixtures/event-ticket-created.json';
import zendeskComment from '../libs/ingest/src/zendesk/fixtures/event-comment-added-customer.json';
import { type Bus, startBus } from './support/bus';
import { TEST_KAFKA_BROKERS } from './support/paths';
import { eventually, freePort, type RunningService, startService } from './support/services';

/**
 * Native webhooks of Zendesk, Jira, Freshdesk and ServiceNow through the real gateway, Kafka and
 * account-health into PostgreSQL: signatures, api keys, replays and the rate limit.
 */
describe('webhooks: helpdesks post their own payloads', () => {
  let bus: Bus;
  const T = Date.now().toString(36);
  const ZENDESK_SECRET = `zd-secret-${T}`;
  const JIRA_SECRET = `jira-secret-${T}`;
  const keys: Record<string, string> = {};
  const acme = `acme-${T}`;
  const globex = `globex-${T}`;
  const umbrella = `umbrella-${T}`;

  beforeAll(async () => {
    bus = await startBus('webhooks', {}, ['account-health', 'gateway']);
    await bus.addSource('zendesk-eu', 'zendesk', ZENDESK_SECRET);
    await bus.addSource('jira-cloud', 'jira', JIRA_SECRET);
    keys.freshdesk = await bus.addSource('freshdesk', 'freshdesk');
    keys.servicenow = await bus.addSource('servicenow', 'servicenow');
    const crm = await bus.addSource('crm');
    const owner = { name: 'Riley Chen', email: `riley.${T}@sales.example` };
    const upsert = (id: string, name: string, domains: string[], externalRefs: { source: string; id: string }[] = []) => ({
      specversion: '1.0', id: `acct-${id}`, type: 'forewarn.account.upserted', time: new Date(Date.now() - 3_600_000).toISOString(),
      data: { id, name, domains, externalRefs, owner },
    });
    const accounts = await bus.postEvents(crm, [
      upsert(acme, 'Acme Corp', ['acme.com'], [{ source: 'zendesk-eu', id: '360001' }]),
      upsert(globex, 'Globex', ['globex.io']),
      upsert(umbrella, 'Umbrella Payments', ['umbrella-payments.com']),
    ]);
    expect(accounts.status).toBe(202);
  });

  afterAll(async () => {
    await bus?.stop();
  });

  const post = async (path: string, body: string | object, headers: Record<string, string> = {}) => {
    const response = await fetch(`${bus.gatewayUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let json: Record<string, unknown> | null = null;
    try { json = JSON.parse(text); } catch { json = null; }
    return { status: response.status, json, headers: response.headers };
  };
  const zendeskHeaders = (raw: string, timestamp = new Date().toISOString(), secret = ZENDESK_SECRET) => ({
    'X-Zendesk-Webhook-Signature': zendeskSignature(secret, timestamp, raw),
    'X-Zendesk-Webhook-Signature-Timestamp': timestamp,
  });
  const consumed = () => eventually('account-health to consume everything', async () => (await bus.lag('account-health', bus.topics.events)) === 0, { timeoutMs: 60_000 });
  const storedEvents = (source: string): Promise<{ id: string; type: string; account_id: string | null }[]> =>
    bus.database.db.query('SELECT id, type, account_id FROM health.events WHERE source = $1 ORDER BY seq', [`/sources/${source}`]);
  const caseRow = async (id: string): Promise<Record<string, unknown> | undefined> =>
    (await bus.database.db.query('SELECT account_id, id, title, severity, status, assignee, escalation_level FROM health.cases WHERE id = $1', [id]))[0];

  it('turns a signed Zendesk event webhook into a case of the right account in PostgreSQL', async () => {
    const raw = JSON.stringify(zendeskCreated);
    const response = await post('/v1/webhooks/zendesk/zendesk-eu', raw, zendeskHeaders(raw));
    expect(response).toMatchObject({ status: 202, json: { accepted: 1, ids: ['zd-01HNX3D9Q0Z5YV3K8M2T6R4W1A'] } });

    const comment = JSON.stringify(zendeskComment);
    expect((await post('/v1/webhooks/zendesk/zendesk-eu', comment, zendeskHeaders(comment))).status).toBe(202);

    await consumed();
    const row = await eventually('the Zendesk case', () => caseRow('ZD-5158'));
    expect(row).toMatchObject({ account_id: acme, title: 'Checkout payments failing with 502', severity: 2 });
    expect(await storedEvents('zendesk-eu')).toEqual([
      { id: 'zd-01HNX3D9Q0Z5YV3K8M2T6R4W1A', type: 'forewarn.case.opened', account_id: acme },
      { id: 'zd-d4f5c389-8f4a-4c2e-a1b9-8e4f39c71d52', type: 'forewarn.case.commented', account_id: acme },
    ]);
  });

  it('refuses a bad signature, a stale timestamp and a malformed payload with problem+json, and nothing reaches Kafka', async () => {
    const onTopic = await bus.messageCount(bus.topics.events);
    const raw = JSON.stringify({ ...zendeskCreated, id: `forged-${T}` });

    const forged = await post('/v1/webhooks/zendesk/zendesk-eu', raw, zendeskHeaders(raw, new Date().toISOString(), 'guessed-secret'));
    expect(forged.status).toBe(401);
    expect(forged.headers.get('content-type')).toContain('application/problem+json');
    expect(forged.json).toMatchObject({ reason: 'signature_bad' });

    const stale = await post('/v1/webhooks/zendesk/zendesk-eu', raw, zendeskHeaders(raw, new Date(Date.now() - 10 * 60_000).toISOString()));
    expect(stale.status).toBe(401);
    expect(stale.headers.get('content-type')).toContain('application/problem+json');
    expect(stale.json).toMatchObject({ reason: 'signature_stale', detail: expect.stringContaining('replay protection') });

    const unsigned = await post('/v1/webhooks/zendesk/zendesk-eu', raw);
    expect(unsigned).toMatchObject({ status: 401, json: { reason: 'signature_missing' } });

    const malformed = JSON.stringify({ ...zendeskCreated, detail: { subject: 'no id' } });
    const bad = await post('/v1/webhooks/zendesk/zendesk-eu', malformed, zendeskHeaders(malformed));
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.json?.errors).toEqual([{ field: 'detail.id', message: 'is required' }]);

    const jira = JSON.stringify(jiraChangelog);
    expect((await post('/v1/webhooks/jira/jira-cloud', jira, { 'X-Hub-Signature': jiraSignature('wrong', jira) })).status).toBe(401);

    expect(await bus.messageCount(bus.topics.events)).toBe(onTopic);
  });

  it('turns one Jira changelog with a priority and an assignee change into two events', async () => {
    const created = JSON.stringify(jiraCreated);
    expect((await post('/v1/webhooks/jira/jira-cloud', created, { 'X-Hub-Signature': jiraSignature(JIRA_SECRET, created) })).status).toBe(202);
    const changelog = JSON.stringify(jiraChangelog);
    const response = await post('/v1/webhooks/jira/jira-cloud', changelog, { 'X-Hub-Signature': jiraSignature(JIRA_SECRET, changelog) });
    expect(response).toMatchObject({ status: 202, json: { accepted: 2, ids: ['jira-10042-10301-priority', 'jira-10042-10301-assignee'] } });

    await consumed();
    expect((await storedEvents('jira-cloud')).map((e) => [e.id, e.type, e.account_id])).toEqual([
      ['jira-10042-created', 'forewarn.case.opened', acme],
      ['jira-10042-10301-priority', 'forewarn.case.priority_changed', acme],
      ['jira-10042-10301-assignee', 'forewarn.case.assigned', acme],
    ]);
    expect(await caseRow('SUP-42')).toMatchObject({ account_id: acme, severity: 1, assignee: 'Priya Nair', status: 'open' });
  });

  it('accepts a Freshdesk automation webhook authenticated by ?token=', async () => {
    const response = await post(`/v1/webhooks/freshdesk/freshdesk?token=${encodeURIComponent(keys.freshdesk)}`, freshdeskCreated);
    expect(response).toMatchObject({ status: 202, json: { accepted: 1 } });
    await consumed();
    expect(await caseRow('FD-4711')).toMatchObject({ account_id: globex, title: 'Invoices export times out', severity: 2, status: 'open' });
  });

  it('accepts a ServiceNow business-rule delivery authenticated by bearer', async () => {
    const response = await post('/v1/webhooks/servicenow/servicenow', serviceNowInserted, { authorization: `Bearer ${keys.servicenow}` });
    expect(response).toMatchObject({ status: 202, json: { accepted: 1, ids: ['sn-46e3a8b1db2c1010a1b2c3d4e5f60718-0-opened'] } });
    await consumed();
    expect(await caseRow('CS0001042')).toMatchObject({ account_id: umbrella, severity: 2, status: 'new' });
  });

  it('changes nothing when a delivery is replayed', async () => {
    await consumed();
    const count = async () => (await bus.database.db.query('SELECT count(*)::int AS n FROM health.events'))[0].n as number;
    const casesBefore = await bus.database.db.query('SELECT account_id, id, severity, status, assignee FROM health.cases ORDER BY id');
    const before = await count();

    const changelog = JSON.stringify(jiraChangelog);
    const again = await post('/v1/webhooks/jira/jira-cloud', changelog, { 'X-Hub-Signature': jiraSignature(JIRA_SECRET, changelog) });
    expect(again.json).toEqual({ accepted: 2, ids: ['jira-10042-10301-priority', 'jira-10042-10301-assignee'] });
    // Zendesk retries re-sign with a new timestamp; the event id comes from the payload, so it is the same event.
    const raw = JSON.stringify(zendeskCreated);
    expect((await post('/v1/webhooks/zendesk/zendesk-eu', raw, zendeskHeaders(raw))).json).toEqual({ accepted: 1, ids: ['zd-01HNX3D9Q0Z5YV3K8M2T6R4W1A'] });
    const freshdesk = await post(`/v1/webhooks/freshdesk/freshdesk?token=${encodeURIComponent(keys.freshdesk)}`, freshdeskCreated);
    expect(freshdesk.status).toBe(202);

    await consumed();
    expect(await count()).toBe(before);
    expect(await bus.database.db.query('SELECT account_id, id, severity, status, assignee FROM health.cases ORDER BY id')).toEqual(casesBefore);
  });

  it('serves its OpenAPI document at /docs', async () => {
    const json = await (await fetch(`${bus.gatewayUrl}/docs/openapi.json`)).json();
    expect(json).toMatchObject({ openapi: '3.1.0', paths: { '/v1/webhooks/{kind}/{source}': expect.anything() } });
    const page = await fetch(`${bus.gatewayUrl}/docs`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/v1/webhooks/{kind}/{source}');
  });

  describe('with Kafka unreachable', () => {
    let gateway: RunningService;

    beforeAll(async () => {
      gateway = await startService('gateway', {
        KAFKA_BROKERS: `127.0.0.1:${await freePort()}`,
        FOREWARN_TOPIC_PREFIX: `test.${bus.tag}.`,
        DATABASE_URL: bus.database.url,
        FOREWARN_SECRET: 'test-secret-0123456789abcdef0123456789',
      });
    });

    afterAll(async () => {
      await gateway?.stop();
    });

    it('answers 503 with Retry-After, and accepts nothing', async () => {
      const onTopic = await bus.messageCount(bus.topics.events);
      const response = await fetch(`${gateway.url}/v1/webhooks/freshdesk/freshdesk?token=${encodeURIComponent(keys.freshdesk)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ freshdesk_webhook: { ...freshdeskCreated.freshdesk_webhook, ticket_id: '4799' } }),
      });
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(await bus.messageCount(bus.topics.events)).toBe(onTopic);
    });
  });

  describe('with a tight rate limit', () => {
    let gateway: RunningService;

    beforeAll(async () => {
      gateway = await startService('gateway', {
        KAFKA_BROKERS: TEST_KAFKA_BROKERS,
        FOREWARN_TOPIC_PREFIX: `test.${bus.tag}.`,
        DATABASE_URL: bus.database.url,
        FOREWARN_SECRET: 'test-secret-0123456789abcdef0123456789',
        GATEWAY_RATE_LIMIT_PER_SECOND: '0.5',
        GATEWAY_RATE_LIMIT_BURST: '2',
      });
    });

    afterAll(async () => {
      await gateway?.stop();
    });

    it('answers 429 with Retry-After once a source has used its burst', async () => {
      const send = () => fetch(`${gateway.url}/v1/webhooks/servicenow/servicenow`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.servicenow}` },
        body: JSON.stringify(serviceNowInserted),
      });
      const responses = [await send(), await send(), await send()];
      expect(responses.map((r) => r.status)).toEqual([202, 202, 429]);
      expect(Number(responses[2].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(responses[2].headers.get('content-type')).toContain('application/problem+json');
      expect(await responses[2].json()).toMatchObject({ status: 429, detail: expect.stringContaining('rate limit') });
    });
  });
});
