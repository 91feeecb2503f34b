import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import commented from '../libs/ingest/src/mapped/fixtures/ticket-commented.json';
import created from '../libs/ingest/src/mapped/fixtures/ticket-created.json';
import reopened from '../libs/ingest/src/mapped/fixtures/ticket-reopened.json';
import agentLogin from '../libs/ingest/src/mapped/fixtures/agent-login.json';
import { type Bus, startBus } from './support/bus';
import { runCli } from './support/cli';
import { REPO_ROOT } from './support/paths';
import { eventually } from './support/services';

/**
 * Any other system without code: Kestrel Desk, an imaginary helpdesk, connected with a JSONata
 * mapping (`forewarn mapping test`, `forewarn source add --kind mapped --mapping`), posting its own
 * webhook JSON to /v1/webhooks/mapped/<source>, through Kafka and account-health into health.cases.
 */
describe('mapped sources: a helpdesk without an adapter', () => {
  let bus: Bus;
  let apiKey: string;
  const T = Date.now().toString(36);
  const acme = `acme-${T}`;
  const FIXTURES = join(REPO_ROOT, 'libs/ingest/src/mapped/fixtures');
  const MAPPING = join(FIXTURES, 'kestrel-desk.jsonata');
  const dir = mkdtempSync(join(tmpdir(), 'forewarn-mapping-e2e-'));

  const cli = (args: string[]) => runCli(args, bus.env);
  const post = async (source: string, body: unknown, key = apiKey) => {
    const response = await fetch(`${bus.gatewayUrl}/v1/webhooks/mapped/${source}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, contentType: response.headers.get('content-type'), json: (await response.json()) as Record<string, any> };
  };
  const caseRow = async (id: string) =>
    (await bus.database.db.query('SELECT account_id, id, title, severity, status, escalation_level FROM health.cases WHERE id = $1', [id]))[0] as Record<string, unknown> | undefined;

  beforeAll(async () => {
    bus = await startBus('mapping', {}, ['account-health', 'gateway']);
    const crm = await bus.addSource('crm');
    const account = {
      specversion: '1.0', id: `acct-${acme}`, type: 'forewarn.account.upserted', time: new Date(Date.now() - 3_600_000).toISOString(),
      data: { id: acme, name: 'Acme Corp', domains: ['acme.com'], owner: { name: 'Riley Chen', email: `riley.${T}@sales.example` } },
    };
    expect((await bus.postEvents(crm, account)).status).toBe(202);
  });

  afterAll(async () => {
    await bus?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('tests a mapping against a sample payload from the CLI before it is enabled', async () => {
    const good = await cli(['mapping', 'test', MAPPING, join(FIXTURES, 'ticket-reopened.json'), '--source', 'kestrel']);
    expect(good.code).toBe(0);
    const report = JSON.parse(good.stdout);
    expect(report).toMatchObject({ status: 'ok', errors: [] });
    expect(report.events.map((e: { type: string }) => e.type)).toEqual(['forewarn.case.reopened', 'forewarn.case.resolution_rejected']);

    const sample = join(dir, 'no-customer.json');
    writeFileSync(sample, JSON.stringify({ ...created, ticket: { ...created.ticket, requester: {}, company: {}, priority: 'P1' } }));
    const bad = await cli(['mapping', 'test', MAPPING, sample]);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).errors).toEqual([{ field: 'events[0].data.account', message: 'needs at least one of id, domain, externalId' }]);
    expect(bad.stderr).toContain('invalid: events[0].data.account needs at least one of id, domain, externalId');

    const broken = join(dir, 'broken.jsonata');
    writeFileSync(broken, '{\n  "type": "case.opened",\n  "data": { "case": }\n}');
    const syntax = await cli(['mapping', 'test', broken, sample]);
    expect(syntax.code).toBe(1);
    expect(syntax.stderr).toContain('the mapping does not compile: S0211 at 3:21');
  });

  it('turns the imaginary helpdesk\'s webhooks into a case of the right account in health.cases', async () => {
    const added = await cli(['source', 'add', 'kestrel', '--kind', 'mapped', '--mapping', MAPPING]);
    expect(added.code).toBe(0);
    apiKey = JSON.parse(added.stdout).apiKey;
    expect(JSON.parse(added.stdout)).toMatchObject({ name: 'kestrel', kind: 'mapped' });

    expect(await post('kestrel', created)).toMatchObject({ status: 202, json: { accepted: 1, ids: ['evt_01JNKD8812A'] } });
    expect(await post('kestrel', commented)).toMatchObject({ status: 202, json: { accepted: 1 } });
    expect(await post('kestrel', reopened)).toMatchObject({ status: 202, json: { accepted: 2 } });
    expect(await post('kestrel', agentLogin)).toMatchObject({ status: 202, json: { accepted: 0, ignored: [{ reason: 'the mapping produced no event for this delivery' }] } });

    const row = await eventually('the Kestrel case', async () => {
      const found = await caseRow('KD-8812');
      return found?.escalation_level === 1 ? found : null;
    });
    expect(row).toMatchObject({ account_id: acme, title: 'SSO login loops back to the sign-in page', severity: 1, status: 'open' });
    const events: { id: string; type: string; account_id: string }[] = await bus.database.db.query('SELECT id, type, account_id FROM health.events WHERE source = $1 ORDER BY time, seq', ['/sources/kestrel']);
    expect(events.map((e) => [e.id, e.type, e.account_id])).toEqual([
      ['evt_01JNKD8812A', 'forewarn.case.opened', acme],
      ['evt_01JNKD8812C', 'forewarn.case.commented', acme],
      ['evt_01JNKD8812F', 'forewarn.case.reopened', acme],
      ['evt_01JNKD8812F-rejected', 'forewarn.case.resolution_rejected', acme],
    ]);
  });

  it('refuses what the mapping cannot turn into valid events with problem+json, and nothing reaches Kafka', async () => {
    const onTopic = await bus.messageCount(bus.topics.events);
    const invalid = await post('kestrel', { ...created, event_id: 'evt-bad', ticket: { ...created.ticket, requester: { email: 'not an address' }, company: {} } });
    expect(invalid.status).toBe(400);
    expect(invalid.contentType).toContain('application/problem+json');
    expect(invalid.json.errors).toEqual([
      { field: 'events[0].data.account', message: 'needs at least one of id, domain, externalId' },
      { field: 'events[0].data.actor.email', message: 'must be an email address' },
    ]);

    const throwing = join(dir, 'strict.jsonata');
    writeFileSync(throwing, 'event = "ticket.created" ? { "type": "case.opened", "data": { "account": { "domain": $domain(ticket.requester.email) }, "case": { "id": $string(ticket.number) } } } : $error("Kestrel event " & event & " is not mapped")');
    const strict = await cli(['source', 'add', 'kestrel-strict', '--kind', 'mapped', '--mapping', throwing]);
    expect(strict.code).toBe(0);
    const thrown = await post('kestrel-strict', commented, JSON.parse(strict.stdout).apiKey);
    expect(thrown.status).toBe(400);
    expect(thrown.contentType).toContain('application/problem+json');
    expect(thrown.json).toMatchObject({ title: 'Mapping failed', mappingError: { code: 'D3137', message: 'Kestrel event ticket.commented is not mapped' } });

    expect(await bus.messageCount(bus.topics.events)).toBe(onTopic);
  });

  it('sets and shows the mapping of a source registered without one', async () => {
    const later = await cli(['source', 'add', 'kestrel-eu', '--kind', 'mapped']);
    expect(later.code).toBe(0);
    const key = JSON.parse(later.stdout).apiKey;
    const refused = await cli(['mapping', 'set', 'kestrel-eu', MAPPING, '--sample', join(FIXTURES, 'agent-login.json')]);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('nothing was stored') });
    const set = await cli(['mapping', 'set', 'kestrel-eu', MAPPING, '--sample', join(FIXTURES, 'ticket-created.json')]);
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ name: 'kestrel-eu', webhook: '/v1/webhooks/mapped/kestrel-eu' });
    expect((await cli(['mapping', 'show', 'kestrel-eu'])).stdout).toContain('Kestrel Desk');
    expect(await cli(['mapping', 'set', 'crm', MAPPING])).toMatchObject({ code: 1, stderr: expect.stringContaining('only mapped sources have a mapping') });
    expect(await post('kestrel-eu', { ...created, event_id: 'evt-eu-1' }, key)).toMatchObject({ status: 202, json: { accepted: 1, ids: ['evt-eu-1'] } });
  });
});
