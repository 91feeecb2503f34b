import { connect } from 'node:net';
import { type Bus, startBus } from './support/bus';
import { runCli } from './support/cli';
import { TEST_KAFKA_BROKERS } from './support/paths';
import { eventually, type RunningService, sleep, startService } from './support/services';

/**
 * Trust boundaries, inbound (issue 11): through the real gateway, Kafka and account-health. A
 * source may say only what it is for, nothing from the future, links are http(s), keys rotate and
 * end, and the cheap refusals (flood, oversized body, unknown source) come before anything is read
 * or anyone is authenticated.
 */
describe('trust boundaries, inbound', () => {
  let bus: Bus;
  const T = Date.now().toString(36);
  const acme = `acme-${T}`;
  const HOUR = 3_600_000;
  const keys: Record<string, string> = {};

  const cli = (args: string[]) => runCli(args, bus.env);
  const cliJson = async (args: string[]) => {
    const result = await cli(args);
    if (result.code !== 0) throw new Error(`forewarn ${args.join(' ')} failed: ${result.stderr}`);
    return JSON.parse(result.stdout) as Record<string, any>;
  };

  const upsert = (id: string, ownerEmail: string, time: Date) => ({
    specversion: '1.0', id, type: 'forewarn.account.upserted', time: time.toISOString(),
    data: { id: acme, name: 'Acme Corp', domains: [`acme-${T}.example`], owner: { name: 'Owner', email: ownerEmail } },
  });
  const caseEvent = (id: string, type = 'forewarn.case.opened', extra: Record<string, unknown> = {}) => ({
    specversion: '1.0', id, type, time: new Date().toISOString(), data: { account: { id: acme }, case: { id: `ZD-${id}`, title: 'Checkout down', severity: 2 } }, ...extra,
  });
  const ownerOf = async (accountId: string) =>
    ((await bus.database.db.query('SELECT owner_email FROM health.accounts WHERE id = $1', [accountId]))[0] as { owner_email: string } | undefined)?.owner_email;

  beforeAll(async () => {
    // A short source cache, so that key changes show within a second (the default is 10 s).
    bus = await startBus('trustin', { GATEWAY_SOURCE_CACHE_MS: '500' }, ['account-health', 'gateway']);
    keys.crm = (await cliJson(['source', 'add', 'crm', '--kind', 'events'])).apiKey;
    const helpdesk = await cliJson(['source', 'add', 'helpdesk', '--kind', 'events', '--allow', 'cases']);
    expect(helpdesk).toMatchObject({ name: 'helpdesk', kind: 'events', allow: ['cases'] });
    keys.helpdesk = helpdesk.apiKey;
    expect((await bus.postEvents(keys.crm, upsert(`acct-1-${T}`, `riley.${T}@sales.example`, new Date(Date.now() - HOUR)))).status).toBe(202);
    await eventually('the account from the CRM', async () => (await ownerOf(acme)) === `riley.${T}@sales.example`);
  });

  afterAll(async () => {
    await bus?.stop();
  });

  describe('each source may say only what it is for', () => {
    it('refuses an account owner change from a cases-only source with 403, and the account keeps its owner', async () => {
      const hijack = await bus.postEvents(keys.helpdesk, upsert(`acct-hijack-${T}`, 'mallory@elsewhere.example', new Date()));
      expect(hijack.status).toBe(403);
      expect(hijack.headers.get('content-type')).toContain('application/problem+json');
      expect(hijack.json).toMatchObject({ errors: [{ field: 'type', message: 'forewarn.account.upserted is not allowed for source "helpdesk" (allows: cases)' }] });
      // The helpdesk's own case event after it goes through; once account-health has it, the owner is still the CRM's.
      expect((await bus.postEvents(keys.helpdesk, caseEvent(`c1-${T}`))).status).toBe(202);
      await eventually('the helpdesk case', async () => (await bus.database.db.query('SELECT 1 FROM health.cases WHERE id = $1 AND account_id = $2', [`ZD-c1-${T}`, acme])).length > 0);
      expect(await ownerOf(acme)).toBe(`riley.${T}@sales.example`);
    });

    it('refuses a whole batch with one disallowed event with 403 naming its index, and nothing reaches Kafka', async () => {
      const before = await bus.messageCount(bus.topics.events);
      const answer = await bus.postEvents(keys.helpdesk, [caseEvent(`c2-${T}`), caseEvent(`c3-${T}`, 'forewarn.case.commented'), upsert(`acct-2-${T}`, 'mallory@elsewhere.example', new Date())]);
      expect(answer.status).toBe(403);
      expect(answer.json).toMatchObject({ errors: [{ field: '[2].type', message: expect.stringContaining('forewarn.account.upserted is not allowed') }], detail: expect.stringContaining('nothing was accepted') });
      expect(await bus.messageCount(bus.topics.events)).toBe(before);
    });

    it('lets an admin change what a source may send', async () => {
      expect(await cliJson(['source', 'set', 'helpdesk', '--allow', 'cases,meetings'])).toMatchObject({ allow: ['cases', 'meetings'] });
      const meeting = { specversion: '1.0', id: `m1-${T}`, type: 'forewarn.meeting.scheduled', data: { account: { id: acme }, meeting: { id: `m1-${T}`, startsAt: new Date(Date.now() + 48 * HOUR).toISOString() } } };
      await eventually('the new allowance at the gateway', async () => (await bus.postEvents(keys.helpdesk, meeting)).status === 202, { timeoutMs: 5_000 });
      const narrowed = await cli(['source', 'set', 'helpdesk', '--allow', 'cases,accounts,bogus']);
      expect(narrowed).toMatchObject({ code: 1, stderr: expect.stringContaining('--allow takes cases, meetings, accounts, not "bogus"') });
      const helpdeskKind = await cli(['source', 'add', 'zd', '--kind', 'zendesk', '--allow', 'accounts']);
      expect(helpdeskKind).toMatchObject({ code: 1, stderr: expect.stringContaining('a zendesk source can only be allowed cases, not accounts') });
    });
  });

  describe('nothing from the future, links only to the web', () => {
    it('refuses an event dated two days ahead with 400 naming time, alone or in a batch', async () => {
      const before = await bus.messageCount(bus.topics.events);
      const ahead = new Date(Date.now() + 48 * HOUR).toISOString();
      const one = await bus.postEvents(keys.crm, caseEvent(`f1-${T}`, 'forewarn.case.opened', { time: ahead }));
      expect(one).toMatchObject({ status: 400, json: { errors: [{ field: 'time', message: expect.stringContaining('5 minutes ahead') }] } });
      const batch = await bus.postEvents(keys.crm, [caseEvent(`f2-${T}`), caseEvent(`f3-${T}`, 'forewarn.case.opened', { time: ahead })]);
      expect(batch).toMatchObject({ status: 400, json: { errors: [{ field: '[1].time' }] } });
      expect(await bus.messageCount(bus.topics.events)).toBe(before);
    });

    it('refuses a case link that is not http or https with 400 naming it', async () => {
      const answer = await bus.postEvents(keys.crm, { ...caseEvent(`u1-${T}`), data: { account: { id: acme }, case: { id: `ZD-u1-${T}`, url: 'javascript:alert(1)' } } });
      expect(answer).toMatchObject({ status: 400, json: { errors: [{ field: 'data.case.url', message: 'must be an http or https URL' }] } });
    });

    it('does not let an owner change dated ahead by a producer writing to Kafka directly win over the next real update', async () => {
      const producer = bus.kafka.producer();
      await producer.connect();
      const forged = { ...upsert(`acct-forged-${T}`, 'mallory@elsewhere.example', new Date(Date.now() + 48 * HOUR)), source: '/sources/direct' };
      await producer.send({ topic: bus.topics.events, messages: [{ key: acme, value: JSON.stringify(forged) }] });
      await producer.disconnect();
      await eventually('the forged update to be applied (as of its receipt)', async () => (await ownerOf(acme)) === 'mallory@elsewhere.example');
      const [stored] = await bus.database.db.query('SELECT time, payload FROM health.events WHERE id = $1', [forged.id]);
      expect(stored.payload.forewarnclaimedtime).toBe(forged.time);
      expect(new Date(stored.time).getTime()).toBeLessThan(Date.now());
      expect((await bus.postEvents(keys.crm, upsert(`acct-3-${T}`, `dana.${T}@sales.example`, new Date()))).status).toBe(202);
      await eventually('the real update to win', async () => (await ownerOf(acme)) === `dana.${T}@sales.example`);
    });
  });

  describe('api keys', () => {
    it('rotates a key with a grace period: both work during it, then only the new one', async () => {
      const old = (await cliJson(['source', 'add', 'rotating', '--kind', 'events'])).apiKey as string;
      expect((await bus.postEvents(old, caseEvent(`k1-${T}`))).status).toBe(202);
      const rotated = await cliJson(['source', 'rotate-key', 'rotating', '--grace', '3s']);
      const graceEnds = Date.parse(rotated.previousKeyValidUntil);
      expect(rotated.apiKey).not.toBe(old);
      expect(graceEnds - Date.now()).toBeGreaterThan(1_000);
      expect((await bus.postEvents(old, caseEvent(`k2-${T}`))).status).toBe(202);
      expect((await bus.postEvents(rotated.apiKey, caseEvent(`k3-${T}`))).status).toBe(202);
      await sleep(graceEnds - Date.now() + 700); // the grace, and the gateway's 500 ms source cache
      expect((await bus.postEvents(old, caseEvent(`k4-${T}`))).status).toBe(401);
      expect((await bus.postEvents(rotated.apiKey, caseEvent(`k5-${T}`))).status).toBe(202);
      const listed = (await cliJson(['source', 'list'])) as unknown as Record<string, any>[];
      const entry = listed.find((s) => s.name === 'rotating');
      expect(entry).toMatchObject({ kind: 'events', allow: ['cases', 'meetings', 'accounts'], key: { rotatedAt: expect.any(String), previousKeyValidUntil: null } });
      expect(JSON.stringify(listed)).not.toContain(rotated.apiKey);

      const now = await cliJson(['source', 'rotate-key', 'rotating', '--grace', '0']);
      expect(now.previousKeyValidUntil).toBeNull();
      await eventually('the key rotated with no grace to stop', async () => (await bus.postEvents(rotated.apiKey, caseEvent(`k6-${T}`))).status === 401, { timeoutMs: 2_000, intervalMs: 100 });
      expect((await bus.postEvents(now.apiKey, caseEvent(`k7-${T}`))).status).toBe(202);
    });

    it('stops a removed source\'s key within the gateway\'s cache time, and records every change in the audit log', async () => {
      const key = (await cliJson(['source', 'add', 'leaving', '--kind', 'events'])).apiKey as string;
      expect((await bus.postEvents(key, caseEvent(`r1-${T}`))).status).toBe(202);
      expect(await cliJson(['source', 'remove', 'leaving'])).toMatchObject({ name: 'leaving', removed: true });
      const removedAt = Date.now();
      await eventually('the removed key to stop', async () => (await bus.postEvents(key, caseEvent(`r2-${T}`))).status === 401, { timeoutMs: 2_000, intervalMs: 100 });
      expect(Date.now() - removedAt).toBeLessThan(1_500);
      const audit = (await bus.database.db.query('SELECT actor, action, target, details FROM audit.entries ORDER BY id')) as { actor: string; action: string; target: string; details: Record<string, unknown> }[];
      expect(audit.map((e) => `${e.action} ${e.target}`)).toEqual(expect.arrayContaining([
        'source.added crm', 'source.added helpdesk', 'source.allowance_changed helpdesk', 'source.key_rotated rotating', 'source.removed leaving',
      ]));
      expect(audit.every((e) => e.actor.startsWith('cli:') && !JSON.stringify(e.details).includes('fw_src_'))).toBe(true);
    });
  });

  describe('cheap refusals first', () => {
    /** One request over a socket of its own: the headers, then only `bodyBytes` of the body it declares. */
    function partialRequest(path: string, headers: Record<string, string>, bodyBytes: number): Promise<{ status: number; head: string; body: string; bytesSent: number }> {
      return new Promise((resolve) => {
        const socket = connect({ host: '127.0.0.1', port: bus.services.gateway.port });
        let received = '';
        let bytesSent = 0;
        const done = () => {
          socket.destroy();
          const [head, body = ''] = received.split('\r\n\r\n');
          resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0), head: head.toLowerCase(), body, bytesSent });
        };
        socket.setTimeout(5_000, done);
        socket.on('data', (chunk) => {
          received += chunk.toString('utf8');
          const length = Number(/content-length: (\d+)/i.exec(received)?.[1] ?? -1);
          if (length >= 0 && received.includes('\r\n\r\n') && Buffer.byteLength(received.split('\r\n\r\n')[1]) >= length) done();
        });
        socket.on('end', done);
        socket.on('error', done);
        socket.on('connect', () => {
          const lines = Object.entries({ host: '127.0.0.1', ...headers }).map(([name, value]) => `${name}: ${value}`);
          socket.write(`POST ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
          if (bodyBytes > 0) {
            socket.write(Buffer.alloc(bodyBytes, 0x5b)); // '[' …
            bytesSent = bodyBytes;
          }
        });
      });
    }

    it('answers a declared body over the limit with 413 at once, without waiting for the body', async () => {
      const declared = 50 * 1024 * 1024;
      const answer = await partialRequest('/v1/events', { authorization: `Bearer ${keys.crm}`, 'content-type': 'application/cloudevents-batch+json', 'content-length': String(declared) }, 16 * 1024);
      expect(answer.status).toBe(413);
      expect(answer.head).toContain('content-type: application/problem+json');
      expect(answer.bytesSent).toBeLessThan(declared / 1000);
      // Webhooks are capped lower (1 MiB), and even an unknown caller gets the 413 before anything else.
      const webhook = await partialRequest('/v1/webhooks/zendesk/nobody', { 'content-type': 'application/json', 'content-length': String(2 * 1024 * 1024) }, 0);
      expect(webhook.status).toBe(413);
      // A client that sends the whole body anyway reads the 413, not a connection reset.
      const whole = await fetch(`${bus.gatewayUrl}/v1/webhooks/zendesk/nobody`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `"${'x'.repeat(2 * 1024 * 1024)}"` });
      expect(whole.status).toBe(413);
      expect((await fetch(`${bus.gatewayUrl}/healthz`)).status).toBe(200);
    });

    it('refuses an unknown source (404) or a source of another kind (403) before reading the body or checking a signature', async () => {
      await cliJson(['source', 'add', 'zd', '--kind', 'zendesk', '--signing-secret', 'zd-secret-0123456789']);
      // The body is declared but never sent: an answer at all shows the gateway did not wait for it.
      const unknown = await partialRequest('/v1/webhooks/zendesk/nobody', { 'content-type': 'application/json', 'content-length': '5000' }, 0);
      expect(unknown.status).toBe(404);
      const wrongKind = await partialRequest('/v1/webhooks/jira/zd', { 'content-type': 'application/json', 'content-length': '5000', 'x-hub-signature': `sha256=${'0'.repeat(64)}` }, 0);
      expect(wrongKind).toMatchObject({ status: 403, body: expect.stringContaining('registered as zendesk, not jira') });
    });

    describe('a flood from one address', () => {
      let gateway: RunningService;

      beforeAll(async () => {
        // A gateway of its own with a low per-address limit, behind a trusted proxy on loopback.
        gateway = await startService('gateway', {
          KAFKA_BROKERS: TEST_KAFKA_BROKERS, FOREWARN_TOPIC_PREFIX: `test.${bus.tag}.`, DATABASE_URL: bus.database.url, NODE_ENV: 'test',
          FOREWARN_SECRET: 'test-secret-0123456789abcdef0123456789',
          GATEWAY_TRUST_PROXY: 'loopback', GATEWAY_CLIENT_RATE_LIMIT_PER_SECOND: '5', GATEWAY_CLIENT_RATE_LIMIT_BURST: '10',
        });
      });

      afterAll(async () => {
        await gateway?.stop();
      });

      const send = (from: string, key: string) =>
        fetch(`${gateway.url}/v1/events`, {
          method: 'POST',
          headers: { 'x-forwarded-for': from, authorization: `Bearer ${key}`, 'content-type': 'application/cloudevents+json' },
          body: JSON.stringify(caseEvent(`flood-${from}-${Math.random()}`)),
        });

      it('is answered 429 with Retry-After before authentication, while other addresses get through', async () => {
        const statuses: number[] = [];
        let limited: Response | null = null;
        for (let i = 0; i < 20; i += 1) {
          const response = await send('198.51.100.7', `fw_src_not-a-key-${i}`);
          statuses.push(response.status);
          if (response.status === 429) limited ??= response;
          await response.text();
        }
        // The burst of 10 reaches authentication (unknown keys: 401); then the bucket refills at 5 per second.
        expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
        expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(5);
        expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
        expect(limited?.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(limited?.headers.get('content-type')).toContain('application/problem+json');
        // Over its limit, the address is refused even with a good key: the limit comes first.
        expect((await send('198.51.100.7', keys.crm)).status).toBe(429);
        // Another client, by the trusted proxy's X-Forwarded-For, is not affected.
        expect((await send('198.51.100.8', keys.crm)).status).toBe(202);
      });
    });
  });
});
