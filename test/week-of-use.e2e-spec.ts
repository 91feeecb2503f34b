import { DEFAULT_POLICY } from '@forewarn/health';
import { type MailSink, startMailSink } from '@forewarn/devstack';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Consumer } from 'kafkajs';
import { type Bus, startBus } from './support/bus';
import { runCli } from './support/cli';
import { eventually, freePort, sleep } from './support/services';

/**
 * What a rep, a lead and an operator ran into in a week of real use, through the public surface:
 * the dashboard's API and pages, the links in mails, the mail and chat that arrive, the CLI.
 */

const HOUR = 3_600_000;

/** Everything written to a topic since the start, kept as it arrives. */
async function collect(bus: Bus, topic: string, consumers: Consumer[]): Promise<{ key: string; value: Record<string, any> }[]> {
  const seen: { key: string; value: Record<string, any> }[] = [];
  const consumer = bus.kafka.consumer({ groupId: `test-collect-${bus.tag}-${consumers.length}` });
  consumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void seen.push({ key: String(message.key), value: JSON.parse(String(message.value)) }) });
  return seen;
}

/** A stand-in for Slack's incoming webhook: records what is posted. */
async function chatReceiver(): Promise<{ url: string; posts: unknown[]; close(): Promise<void> }> {
  const posts: unknown[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      posts.push(JSON.parse(body));
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T0/B0/hook`,
    posts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('a week of use: links, acknowledgements, resends, preferences, meetings and the digest', () => {
  let bus: Bus;
  let apiKey: string;
  let adminToken: string;
  let ownerToken: string;
  let leadToken: string;
  let prefsToken: string;
  let seq = 0;
  const consumers: Consumer[] = [];
  let alertTopic: { key: string; value: Record<string, any> }[];
  const T = Date.now().toString(36);
  const owner = `rita.${T}@sales.example`;
  const lead = `lena.${T}@sales.example`;
  const prefsUser = `pat.${T}@sales.example`;
  const told = `told-${T}`;
  const race = `race-${T}`;
  const watchful = `watchful-${T}`;
  const digestAccount = `digest-${T}`;

  const event = (type: string, data: Record<string, unknown>) => ({
    specversion: '1.0', id: `wk-${T}-${seq++}`, type: `forewarn.${type}`, time: new Date(Date.now() - 60_000 + seq * 100).toISOString(), data,
  });
  const account = (id: string, name: string) =>
    event('account.upserted', { id, name, owner: { name: 'Rita Rep', email: owner }, lead: { name: 'Lena Lead', email: lead }, team: 'enterprise', timezone: 'UTC' });
  /** A severity-2 escalation: watch; with a rejected workaround: at risk. */
  const trouble = (id: string, caseId: string, rejected: boolean) => [
    event('case.opened', { account: { id }, case: { id: caseId, title: 'Orders stuck', severity: 2, status: 'open', escalationLevel: 1 } }),
    ...(rejected ? [event('case.resolution_rejected', { account: { id }, case: { id: caseId }, reason: 'Manual entry is not a fix' })] : []),
  ];
  const mailsTo = (address: string) => bus.sink.messages().filter((m) => m.to.includes(address));
  const headsUpFor = (accountId: string) => eventually(`the heads-up about ${accountId}`, async () => mailsTo(owner).find((m) => m.headers['x-forewarn-account'] === accountId), { timeoutMs: 60_000 });
  const linkIn = (text: string, label: string) => {
    const match = new RegExp(`${label}: (\\S+)`).exec(text);
    if (!match) throw new Error(`no "${label}" link in the mail`);
    return match[1].replace('http://localhost:3000', bus.dashboardUrl);
  };
  const api = (path: string, token: string, init: { method?: string; body?: unknown } = {}) =>
    fetch(`${bus.dashboardUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  const form = (path: string, token: string, fields: Record<string, string>) =>
    fetch(`${bus.dashboardUrl}${path}`, {
      method: 'POST', redirect: 'manual',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  const alertsOf = async (accountId: string) => (await (await api(`/api/alerts?account=${accountId}`, adminToken)).json()) as Record<string, any>[];
  const published = (type: string, accountId: string) => alertTopic.filter((m) => m.value.type === type && m.value.data.accountId === accountId);

  beforeAll(async () => {
    bus = await startBus('weekofuse');
    apiKey = await bus.addSource('helpdesk');
    adminToken = await bus.addUser(`admin.${T}@sales.example`, 'admin');
    ownerToken = await bus.addUser(owner, 'rep', 'enterprise');
    leadToken = await bus.addUser(lead, 'lead', 'enterprise');
    prefsToken = await bus.addUser(prefsUser, 'rep', 'enterprise');
    alertTopic = await collect(bus, bus.topics.alerts, consumers);
    expect((await bus.postEvents(apiKey, [
      account(told, 'Told Traders'), account(race, 'Race Rentals'), account(watchful, 'Watchful Widgets'), account(digestAccount, 'Digest Dynamics'),
      ...trouble(told, `TT-${T}`, true),
      ...trouble(race, `RR-${T}`, true),
      ...trouble(watchful, `WW-${T}`, false),
      ...trouble(digestAccount, `DD-${T}`, true),
    ])).status).toBe(202);
    await headsUpFor(told);
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect().catch(() => undefined)));
    await bus?.stop();
  });

  it('a snooze link from the mail works once; opened again it says it was used and until when, and changes nothing', async () => {
    const link = linkIn((await headsUpFor(told)).text, 'Snooze 24 h');
    const first = await fetch(link, { method: 'POST' });
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('Told Traders is snoozed for you until');
    await eventually('the snooze on the topic', async () => published('forewarn.account.snoozed', told).length === 1);

    const again = await fetch(link);
    expect(again.status).toBe(200);
    const page = await again.text();
    expect(page).toContain('This link was already used');
    expect(page).toMatch(/Told Traders is snoozed for you until \w{3}, \d\d \w{3} \d{4} \d\d:\d\d UTC/);
    expect(page).not.toContain('<form method="post"');
    const postedAgain = await fetch(link, { method: 'POST' });
    expect(postedAgain.status).toBe(200);
    expect(await postedAgain.text()).toContain('This link was already used');
    await sleep(2_000);
    expect(published('forewarn.account.snoozed', told)).toHaveLength(1);
  });

  it('the team sees on /api/alerts who acknowledged an alert; acknowledging it again by link, API or page says who did and publishes nothing', async () => {
    const mail = await headsUpFor(told);
    const alertId = mail.headers['x-forewarn-alert-id'];
    const [before] = await alertsOf(told);
    expect(before).toMatchObject({ id: alertId, acknowledged: null });

    const link = linkIn(mail.text, 'Acknowledge');
    const done = await fetch(link, { method: 'POST' });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Told Traders is acknowledged');
    const [after] = await alertsOf(told);
    expect(after.acknowledged).toEqual({ by: { email: owner, name: null }, at: expect.any(String), via: 'email' });

    const linkAgain = await fetch(link, { method: 'POST' });
    expect(linkAgain.status).toBe(200);
    expect(await linkAgain.text()).toContain(`already acknowledged by ${owner}`);

    const viaApi = await api(`/api/alerts/${alertId}/ack`, adminToken, { method: 'POST' });
    expect(viaApi.status).toBe(200);
    const body = await viaApi.json();
    expect(body).toMatchObject({ alreadyAcknowledged: true, acknowledged: { alertId, by: owner, via: 'email', at: after.acknowledged.at } });
    expect(body.detail).toContain(`already acknowledged by ${owner}`);

    const viaPage = await form(`/accounts/${told}/acknowledge`, leadToken, { alertId });
    expect(viaPage.status).toBe(303);
    expect(viaPage.headers.get('location')).toContain('done=already-acknowledged');

    await sleep(2_000);
    expect(published('forewarn.alert.acknowledged', told)).toHaveLength(1);
  });

  it('two people acknowledging the same alert at the same moment: one acknowledgement, the other is told who was first', async () => {
    const alertId = (await headsUpFor(race)).headers['x-forewarn-alert-id'];
    const answers = await Promise.all([ownerToken, leadToken, adminToken].map((token) => api(`/api/alerts/${alertId}/ack`, token, { method: 'POST' })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 202]);
    await sleep(2_000);
    expect(published('forewarn.alert.acknowledged', race)).toHaveLength(1);
  });

  it('the rep resends a mail from the account page; the first delivery time stays and the resend is recorded', async () => {
    const [alert] = (await alertsOf(told)).filter((a) => a.kind === 'heads-up');
    const delivery = alert.deliveries.find((d: Record<string, any>) => d.recipient === owner);
    expect(delivery).toMatchObject({ id: expect.stringMatching(/^\d+$/), status: 'sent', sentAt: expect.any(String), resends: { count: 0, lastRequestedAt: null, lastRequestedBy: null, lastSentAt: null } });

    const page = await (await api(`/accounts/${told}`, ownerToken)).text();
    expect(page).toContain(`action="/accounts/${told}/resend"`);
    expect(page).toContain(`name="notificationId" value="${delivery.id}"`);
    const resent = await form(`/accounts/${told}/resend`, ownerToken, { notificationId: delivery.id });
    expect(resent.status).toBe(303);
    expect(resent.headers.get('location')).toContain('done=resent');
    await eventually('the second copy', async () => mailsTo(owner).filter((m) => m.headers['x-forewarn-account'] === told).length === 2);

    const again = await eventually('the resend in the ledger', async () => {
      const [a] = (await alertsOf(told)).filter((x) => x.kind === 'heads-up');
      const d = a.deliveries.find((x: Record<string, any>) => x.recipient === owner);
      return d.resends.lastSentAt ? d : null;
    });
    expect(again).toMatchObject({ id: delivery.id, status: 'sent', sentAt: delivery.sentAt, resends: { count: 1, lastRequestedBy: owner, lastRequestedAt: expect.any(String) } });
  });

  it('a user who saved nothing sees the notifier’s own defaults; PATCH changes only what it names; PUT needs every field', async () => {
    // The bus runs the notifier with NOTIFY_QUIET_HOURS=off.
    const fresh = await (await api('/api/me/preferences', prefsToken)).json();
    expect(fresh).toMatchObject({ mode: 'immediate', quietHours: null, timeZone: null, chat: null, updatedAt: null });

    const incomplete = await api('/api/me/preferences', prefsToken, { method: 'PUT', body: { mode: 'digest' } });
    expect(incomplete.status).toBe(400);
    expect((await incomplete.json()).errors.map((e: { field: string }) => e.field).sort()).toEqual(['chat', 'quietHours', 'timeZone']);

    const full = { mode: 'immediate', quietHours: { start: '22:00', end: '06:30' }, timeZone: 'Europe/Lisbon', chat: null };
    expect((await api('/api/me/preferences', prefsToken, { method: 'PUT', body: full })).status).toBe(202);
    await eventually('the preferences to be stored', async () => (await (await api('/api/me/preferences', prefsToken)).json()).timeZone === 'Europe/Lisbon');

    const patched = await api('/api/me/preferences', prefsToken, { method: 'PATCH', body: { mode: 'digest' } });
    expect(patched.status).toBe(202);
    expect(await patched.json()).toMatchObject({ ...full, mode: 'digest' });
    const stored = await eventually('the patch to be stored', async () => {
      const body = await (await api('/api/me/preferences', prefsToken)).json();
      return body.mode === 'digest' ? body : null;
    });
    expect(stored).toMatchObject({ ...full, mode: 'digest' });

    const badPatch = await api('/api/me/preferences', prefsToken, { method: 'PATCH', body: { timeZone: 'Mars/Base' } });
    expect(badPatch.status).toBe(400);
    expect((await badPatch.json()).errors).toEqual([expect.objectContaining({ field: 'timeZone' })]);
  });

  it('meetings "at risk" are those of at-risk and firestorm accounts, and state= picks the states', async () => {
    const inThreeDays = new Date(Date.now() + 72 * HOUR).toISOString();
    expect((await bus.postEvents(apiKey, [
      event('meeting.scheduled', { account: { id: told }, meeting: { id: `MT-${T}`, title: 'Told renewal', startsAt: inThreeDays, kind: 'renewal' } }),
      event('meeting.scheduled', { account: { id: watchful }, meeting: { id: `MW-${T}`, title: 'Watchful QBR', startsAt: inThreeDays, kind: 'qbr' } }),
    ])).status).toBe(202);
    const meetings = async (query: string) => ((await (await api(`/api/meetings?${query}`, adminToken)).json()) as { id: string; account: { state: string } }[]);
    const all = await eventually('both meetings', async () => {
      const list = await meetings('withinDays=7');
      return list.some((m) => m.id === `MT-${T}`) && list.some((m) => m.id === `MW-${T}` && m.account.state === 'watch') ? list : null;
    });
    expect(all.find((m) => m.id === `MT-${T}`)?.account.state).toBe('at_risk');

    const atRisk = (await meetings('withinDays=7&atRisk=true')).map((m) => m.id);
    expect(atRisk).toContain(`MT-${T}`);
    expect(atRisk).not.toContain(`MW-${T}`);
    expect((await meetings('withinDays=7&state=watch')).map((m) => m.id)).toEqual([`MW-${T}`]);
    expect((await meetings('withinDays=7&state=watch,at_risk')).map((m) => m.id).sort()).toEqual([`MT-${T}`, `MW-${T}`].sort());
    const bad = await api('/api/meetings?state=burning', adminToken);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('state');
  });

  it('the lead’s digest shows each account’s health now and its next meeting, not the numbers of the last alert', async () => {
    // The alert said at risk at one score; a meeting since weighs the same trouble more: a lower score, the same state, no new alert.
    const [alerted] = await eventually('the alert about Digest Dynamics', async () => {
      const rows = await bus.database.db.query('SELECT score FROM health.alerts WHERE account_id = $1', [digestAccount]);
      return rows.length ? rows : null;
    });
    expect((await bus.postEvents(apiKey, [
      event('meeting.scheduled', { account: { id: digestAccount }, meeting: { id: `MD-${T}`, title: 'Digest QBR', startsAt: new Date(Date.now() + 100 * HOUR).toISOString(), kind: 'qbr' } }),
    ])).status).toBe(202);
    const now = await eventually('the meeting to weigh on the score', async () => {
      const [row] = await bus.database.db.query('SELECT score, state FROM health.account_health WHERE account_id = $1', [digestAccount]);
      return row && row.score < alerted.score ? row : null;
    });
    expect(now.state).toBe('at_risk');
    expect(await bus.database.db.query('SELECT count(*)::int AS n FROM health.alerts WHERE account_id = $1', [digestAccount])).toEqual([{ n: 1 }]);

    // Every lead's digest is due at once (hour 0), checked twice a second.
    await bus.restart('notifier', { DIGEST_HOUR: '0', DIGEST_CHECK_MS: '500' });
    const digest = await eventually('the lead’s digest', async () => mailsTo(lead).find((m) => m.headers['x-forewarn-kind'] === 'digest'), { timeoutMs: 60_000 });
    const line = digest.text.split('\n').find((l) => l.includes('Digest Dynamics —'));
    expect(line).toContain(`score ${now.score}`);
    expect(line).toContain('next: Digest QBR');
  });
});

describe('a week of use: the SMTP relay is down', () => {
  let bus: Bus;
  let apiKey: string;
  let relay: MailSink | null = null;
  let deadPort: number;
  let chat: Awaited<ReturnType<typeof chatReceiver>>;
  let seq = 0;
  const T = Date.now().toString(36);
  const owner = `sam.${T}@sales.example`;
  const accountId = `relay-${T}`;
  const event = (type: string, data: Record<string, unknown>) => ({
    specversion: '1.0', id: `relay-${T}-${seq++}`, type: `forewarn.${type}`, time: new Date(Date.now() - 60_000 + seq * 100).toISOString(), data,
  });
  const ledger = async () => (await bus.database.db.query('SELECT status, sent_at, chat_outcome FROM notifier.notifications WHERE account_id = $1 AND recipient = $2', [accountId, owner]))[0];

  beforeAll(async () => {
    chat = await chatReceiver();
    deadPort = await freePort();
    bus = await startBus('relaydown', { SMTP_URL: `smtp://127.0.0.1:${deadPort}`, SMTP_RETRY_MAX_MS: '1000' }, ['account-health', 'notifier', 'gateway']);
    apiKey = await bus.addSource('helpdesk');
    // The rep asked for a copy in Slack (as the dashboard would publish it).
    const producer = bus.kafka.producer();
    await producer.connect();
    await producer.send({ topic: bus.topics.alerts, acks: -1, messages: [{ key: owner, value: JSON.stringify({
      specversion: '1.0', type: 'forewarn.preferences.updated', id: `p-${T}`, source: '/forewarn/dashboard', time: new Date().toISOString(),
      data: { email: owner, mode: 'immediate', quietHours: null, timeZone: 'UTC', chat: { kind: 'slack', url: chat.url } },
    }) }] });
    await producer.disconnect();
    await eventually('the preferences to be stored', async () => (await bus.database.db.query('SELECT 1 FROM notifier.preferences WHERE email = $1', [owner])).length === 1);
  });

  afterAll(async () => {
    await relay?.stop();
    await bus?.stop();
    await chat?.close();
  });

  it('the notifier says SMTP is down, posts the chat copy once while the mail waits, and mails once the relay is back', async () => {
    const ready = await fetch(`${bus.services.notifier.url}/readyz`);
    expect(ready.status).toBe(503);
    expect((await ready.json()).dependencies).toEqual({ kafka: 'up', postgres: 'up', smtp: 'down' });

    expect((await bus.postEvents(apiKey, [
      event('account.upserted', { id: accountId, name: 'Relay Robotics', owner: { name: 'Sam Rep', email: owner }, team: 'enterprise', timezone: 'UTC' }),
      event('case.opened', { account: { id: accountId }, case: { id: `RL-${T}`, title: 'Robots idle', severity: 2, status: 'open', escalationLevel: 1 } }),
      event('case.resolution_rejected', { account: { id: accountId }, case: { id: `RL-${T}` }, reason: 'Restarting them is not a fix' }),
    ])).status).toBe(202);

    const waiting = await eventually('the chat copy while the mail waits', async () => {
      const row = await ledger();
      return row?.chat_outcome && row.status === 'retrying' ? row : null;
    }, { timeoutMs: 60_000 });
    expect(waiting).toMatchObject({ status: 'retrying', sent_at: null, chat_outcome: 'sent to slack' });
    expect(chat.posts).toHaveLength(1);
    expect(chat.posts[0]).toMatchObject({ text: expect.stringContaining('Relay Robotics') });
    await sleep(3_000); // a few retries later, still one chat copy
    expect(chat.posts).toHaveLength(1);

    relay = await startMailSink({ smtpPort: deadPort, httpPort: 0 });
    const mail = await eventually('the mail once the relay is back', async () => relay?.messages().find((m) => m.to.includes(owner)), { timeoutMs: 30_000 });
    expect(mail.headers['x-forewarn-account']).toBe(accountId);
    expect((await ledger()).status).toBe('sent');
    expect(chat.posts).toHaveLength(1);
    await eventually('the notifier to be ready', async () => (await fetch(`${bus.services.notifier.url}/readyz`)).status === 200, { timeoutMs: 20_000 });
  });
});

describe('a week of use: replay scores with the policy account-health runs with', () => {
  let bus: Bus;
  let apiKey: string;
  let seq = 0;
  const T = Date.now().toString(36);
  const dir = mkdtempSync(join(tmpdir(), 'forewarn-week-of-use-'));
  const runningPolicy = join(dir, 'running-policy.json');
  const otherPolicy = join(dir, 'other-policy.json');
  // Stricter than the defaults: an escalated severity-2 case is "at risk" here, "watch" by default.
  writeFileSync(runningPolicy, JSON.stringify({ version: 'strict running policy', thresholds: { watch: 95, at_risk: 90, firestorm: 35 } }));
  writeFileSync(otherPolicy, JSON.stringify({ ...DEFAULT_POLICY, version: 'defaults elsewhere' }));
  const accountId = `replayed-${T}`;
  const event = (type: string, data: Record<string, unknown>) => ({
    specversion: '1.0', id: `rp-${T}-${seq++}`, type: `forewarn.${type}`, time: new Date(Date.now() - 60_000 + seq * 100).toISOString(), data,
  });
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { ...bus.env, HEALTH_POLICY_FILE: '', ...env });
  const health = async () => (await bus.database.db.query('SELECT state, policy_version FROM health.account_health WHERE account_id = $1', [accountId]))[0];

  beforeAll(async () => {
    bus = await startBus('replaypolicy', { HEALTH_POLICY_FILE: runningPolicy, HEALTH_POLICY_WATCH_MS: '500' }, ['account-health', 'gateway']);
    apiKey = await bus.addSource('helpdesk');
    expect((await bus.postEvents(apiKey, [
      event('account.upserted', { id: accountId, name: 'Replayed Retail', owner: { name: 'Rob Rep', email: `rob.${T}@sales.example` }, team: 'enterprise', timezone: 'UTC' }),
      event('case.opened', { account: { id: accountId }, case: { id: `RP-${T}`, title: 'Invoices late', severity: 2, status: 'open', escalationLevel: 1 } }),
    ])).status).toBe(202);
    await eventually('the account scored by the running policy', async () => (await health())?.state === 'at_risk');
  });

  afterAll(async () => {
    await bus?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('`forewarn replay` in a shell without the policy file scores with the policy account-health runs with, and says which', async () => {
    await eventually('every event to be consumed', async () => (await bus.lag('account-health', bus.topics.events)) === 0);
    const healthMessages = await bus.messageCount(bus.topics.health);
    const result = await cli(['replay']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('with the health policy account-health runs with: "strict running policy"');
    expect(JSON.parse(result.stdout)).toMatchObject({ healthChanged: 0, policy: { version: 'strict running policy', from: 'account-health' } });
    expect(await health()).toEqual({ state: 'at_risk', policy_version: 'strict running policy' });
    await sleep(1_000);
    expect(await bus.messageCount(bus.topics.health)).toBe(healthMessages); // no flap for other systems to see
  });

  it('after a reload, replay uses the reloaded policy; with --policy it uses the file it was given and says so', async () => {
    writeFileSync(runningPolicy, JSON.stringify({ version: 'strict running policy v2', thresholds: { watch: 95, at_risk: 90, firestorm: 35 } }));
    await eventually('account-health to run with v2', async () => (await health())?.policy_version === 'strict running policy v2', { timeoutMs: 30_000 });
    const reloaded = await cli(['replay']);
    expect(reloaded.code).toBe(0);
    expect(JSON.parse(reloaded.stdout)).toMatchObject({ healthChanged: 0, policy: { version: 'strict running policy v2', from: 'account-health' } });

    const explicit = await cli(['replay', '--policy', otherPolicy]);
    expect(explicit.code).toBe(0);
    expect(explicit.stderr).toContain(`with the health policy in ${otherPolicy}: "defaults elsewhere", not the one account-health runs with ("strict running policy v2")`);
    expect(JSON.parse(explicit.stdout)).toMatchObject({ healthChanged: 1, policy: { version: 'defaults elsewhere', from: otherPolicy } });
    expect(await health()).toEqual({ state: 'watch', policy_version: 'defaults elsewhere' });
  });
});
