import { DEFAULT_POLICY } from '@forewarn/health';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { Consumer } from 'kafkajs';
import { type Bus, startBus } from './support/bus';
import { runCli } from './support/cli';
import { REPO_ROOT, TEST_KAFKA_BROKERS } from './support/paths';
import { eventually, sleep } from './support/services';

/**
 * Account health through the real bus: signals and sales weighting in the user's words, the
 * sweep (one instance at a time) with its briefings and all-clears, every change on health.v1,
 * `forewarn replay` rebuilding identical projections, `forewarn backtest`, and the policy file
 * validated at start and reloaded without a restart.
 */
describe('account health a sales lead trusts', () => {
  let bus: Bus;
  let apiKey: string;
  let seq = 0;
  const T = Date.now().toString(36);
  const HOUR = 3_600_000;
  const dir = mkdtempSync(join(tmpdir(), 'forewarn-health-e2e-'));
  const policyFile = join(dir, 'health-policy.json');
  const writePolicy = (changes: Record<string, unknown>) => writeFileSync(policyFile, JSON.stringify({ ...DEFAULT_POLICY, ...changes }, null, 2));
  const SWEEP_LOCK = 4_711_102;

  const owner = (who: string) => ({ name: `${who} Rep`, email: `${who.toLowerCase()}.${T}@sales.example` });
  const lead = { name: 'Morgan Lead', email: `morgan.${T}@sales.example` };
  const at = (hoursFromNow: number) => new Date(Date.now() + hoursFromNow * HOUR).toISOString();
  const event = (type: string, data: Record<string, unknown>, hoursAgo = 0) => ({
    specversion: '1.0', id: `health-${T}-${seq++}`, type: `forewarn.${type}`, time: at(-hoursAgo - seq / 3600), data,
  });
  const account = (id: string, who: string, extra: Record<string, unknown> = {}) =>
    event('account.upserted', { id, name: `${id.split('-')[0]} Inc`, owner: owner(who), lead, team: 'enterprise', timezone: 'UTC', ...extra }, 24 * 30);

  const northwind = { id: `northwind-${T}` };
  const initech = { id: `initech-${T}` };
  const umbrella = { id: `umbrella-${T}` };
  const globex = { id: `globex-${T}` };
  const organizer = { name: 'Olivia Organizer', email: `olivia.${T}@sales.example` };

  const health = async (accountId: string) =>
    (await bus.database.db.query('SELECT state, score, reasons, policy_version, time_dependent FROM health.account_health WHERE account_id = $1', [accountId]))[0] as
      { state: string; score: number; reasons: { code: string; label: string; evidence: Record<string, string>[] }[]; policy_version: string; time_dependent: boolean } | undefined;
  const alertsOf = async (accountId: string) =>
    (await bus.database.db.query('SELECT kind, state, meeting_id FROM health.alerts WHERE account_id = $1 ORDER BY created_at, id', [accountId])) as { kind: string; state: string; meeting_id: string | null }[];
  const post = async (events: unknown[]) => expect((await bus.postEvents(apiKey, events)).status).toBe(202);

  /** Everything written to a topic since the start, kept as it arrives. */
  const consumers: Consumer[] = [];
  async function collect(topic: string): Promise<{ key: string; value: Record<string, any> }[]> {
    const seen: { key: string; value: Record<string, any> }[] = [];
    const consumer = bus.kafka.consumer({ groupId: `test-collect-${bus.tag}-${consumers.length}` });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push({ key: String(message.key), value: JSON.parse(String(message.value)) }) });
    return seen;
  }
  let alertMessages: { key: string; value: Record<string, any> }[];
  let healthMessages: { key: string; value: Record<string, any> }[];

  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { ...bus.env, HEALTH_POLICY_FILE: policyFile, ...env });

  beforeAll(async () => {
    writePolicy({ version: 'e2e v1' });
    bus = await startBus('health', { HEALTH_POLICY_FILE: policyFile, HEALTH_SWEEP_INTERVAL_MS: '1000', HEALTH_POLICY_WATCH_MS: '3000' }, ['account-health', 'notifier', 'gateway']);
    apiKey = await bus.addSource('helpdesk');
    alertMessages = await collect(bus.topics.alerts);
    healthMessages = await collect(bus.topics.health);
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect().catch(() => undefined)));
    await bus?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a critical case reassigned four times with a rejected workaround, a renewal tomorrow → firestorm with those three reasons', async () => {
    const tomorrow = new Date(Date.now() + 24 * HOUR).toISOString().slice(0, 10);
    const checkout = { id: `ZD-${T}-1`, title: 'Checkout payments failing', severity: 1, status: 'open' };
    const ref = { id: northwind.id };
    await post([
      account(northwind.id, 'Riley', { tier: 'midmarket', renewalDate: tomorrow }),
      event('case.opened', { account: ref, case: checkout, actor: { type: 'customer', name: 'Dana Whitfield' } }, 0.5),
      ...['Sam Ortiz', 'Priya Shah', 'Lena Vogel', 'Ken Ito', 'Sam Ortiz'].map((name, i) => event('case.assigned', { account: ref, case: { id: checkout.id }, assignee: { name }, actor: { type: 'agent', name } }, 0.4 - i * 0.05)),
      event('case.resolution_rejected', { account: ref, case: { id: checkout.id }, actor: { type: 'customer', name: 'Dana Whitfield' }, reason: 'The fallback processor doubles our fees' }, 0.1),
    ]);
    const burning = await eventually('northwind to be a firestorm', async () => ((await health(northwind.id))?.state === 'firestorm' ? health(northwind.id) : null), { timeoutMs: 60_000 });
    expect(burning?.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['handoff_loops', 'rejected_resolution', 'renewal_soon']));
    expect(burning?.reasons.find((r) => r.code === 'handoff_loops')?.label).toBe('“Checkout payments failing” was handed between agents 4 times');
    expect(burning?.reasons.find((r) => r.code === 'rejected_resolution')?.label).toContain('The fallback processor doubles our fees');
    expect(burning?.policy_version).toBe('e2e v1');
    await eventually('the firestorm heads-up', async () => (await alertsOf(northwind.id)).some((a) => a.kind === 'heads-up' && a.state === 'firestorm'));
  });

  it('one low-severity question → healthy, no alert', async () => {
    await post([account(initech.id, 'Jo'), event('case.opened', { account: { id: initech.id }, case: { id: `ZD-${T}-Q`, title: 'How do I export invoices?', severity: 4, status: 'open' } })]);
    await eventually('initech to be scored', async () => (await health(initech.id))?.state === 'healthy');
    await sleep(3_000); // three sweeps later, still nothing
    expect(await health(initech.id)).toMatchObject({ state: 'healthy', score: 100, reasons: [] });
    expect(await alertsOf(initech.id)).toEqual([]);
  });

  it('the sweep runs on one instance at a time, and briefs the team once before a meeting with an unhealthy account', async () => {
    // Another "instance" holds the sweep lock: no sweep, so no briefing yet.
    const other = new Client({ connectionString: bus.database.url });
    await other.connect();
    await other.query('SELECT pg_advisory_lock($1)', [SWEEP_LOCK]);
    const ref = { id: umbrella.id };
    const exports = { id: `JSM-${T}`, title: 'Nightly data export stuck', severity: 2, status: 'open' };
    await post([
      account(umbrella.id, 'Casey', { members: [{ name: 'Tara Team', email: `tara.${T}@sales.example` }], tier: 'enterprise', arr: 480_000 }),
      event('meeting.scheduled', { account: ref, meeting: { id: `cal-${T}`, title: 'Umbrella renewal proposal', startsAt: at(20), endsAt: at(21), kind: 'renewal', organizer, attendees: [organizer] } }, 48),
      event('case.opened', { account: ref, case: { id: `JSM-${T}-old`, title: 'SSO login loops', severity: 2, status: 'open' } }, 96),
      event('case.resolved', { account: ref, case: { id: `JSM-${T}-old` }, actor: { type: 'agent', name: 'Priya Shah' } }, 72),
      event('case.opened', { account: ref, case: exports, actor: { type: 'customer', name: 'Kim Park' } }, 10),
      event('case.assigned', { account: ref, case: { id: exports.id }, assignee: { name: 'Lena Vogel' }, actor: { type: 'agent', name: 'Lena Vogel' } }, 9),
      event('case.escalated', { account: ref, case: { ...exports, escalationLevel: 1 }, actor: { type: 'agent', name: 'Lena Vogel' } }, 8),
      event('case.resolution_rejected', { account: ref, case: { id: exports.id }, actor: { type: 'customer', name: 'Kim Park' }, reason: 'Re-running it by hand every night is not a fix' }, 3),
      event('case.commented', { account: ref, case: { id: exports.id }, actor: { type: 'customer', name: 'Kim Park' }, comment: { public: true, excerpt: 'This is unacceptable. Our finance team is blocked again.' } }, 2),
      event('survey.responded', { account: ref, actor: { type: 'customer', name: 'Tom Becker' }, survey: { kind: 'nps', score: 2, comment: 'Too many incidents lately' } }, 1),
    ]);
    await eventually('umbrella to be scored', async () => (await health(umbrella.id))?.state === 'firestorm' || (await health(umbrella.id))?.state === 'at_risk', { timeoutMs: 60_000 });
    await sleep(3_000);
    expect((await alertsOf(umbrella.id)).filter((a) => a.kind === 'briefing')).toEqual([]);
    const metrics = await (await fetch(`${bus.services['account-health'].url}/metrics`)).text();
    expect(metrics).toMatch(/forewarn_health_sweeps_total\{[^}]*outcome="skipped"[^}]*\} [1-9]/);
    await other.query('SELECT pg_advisory_unlock($1)', [SWEEP_LOCK]);
    await other.end();

    await eventually('the briefing', async () => (await alertsOf(umbrella.id)).some((a) => a.kind === 'briefing'), { timeoutMs: 30_000 });
    await sleep(3_000); // later sweeps do not brief the same meeting again
    expect((await alertsOf(umbrella.id)).filter((a) => a.kind === 'briefing')).toEqual([expect.objectContaining({ meeting_id: `cal-${T}` })]);

    const message = await eventually('the briefing on alerts.v1', async () => alertMessages.find((m) => m.key === umbrella.id && m.value.data?.kind === 'briefing'));
    const { briefing, nextMeeting } = message.value.data;
    expect(nextMeeting).toMatchObject({ id: `cal-${T}`, organizer: { email: organizer.email } });
    expect(briefing.meeting).toMatchObject({ id: `cal-${T}`, title: 'Umbrella renewal proposal', kind: 'renewal' });
    expect(briefing.openCases).toEqual([expect.objectContaining({ id: exports.id, title: 'Nightly data export stuck', assignee: 'Lena Vogel', escalationLevel: 1, rejected: true })]);
    expect(briefing.openCases[0].ageHours).toBeGreaterThanOrEqual(9);
    expect(briefing.customerSaid.map((q: { quote: string }) => q.quote)).toEqual(expect.arrayContaining([
      'This is unacceptable. Our finance team is blocked again.', 'Re-running it by hand every night is not a fix', 'Too many incidents lately',
    ]));
    expect(briefing.supportOwners).toEqual([{ name: 'Lena Vogel', caseIds: [exports.id] }]);
    expect(briefing.recentlyFixed).toEqual([expect.objectContaining({ id: `JSM-${T}-old`, title: 'SSO login loops' })]);
    expect(briefing.detractors).toEqual([expect.objectContaining({ who: 'Tom Becker', kind: 'nps', score: 2 })]);
    expect(briefing.talkingPoints).toHaveLength(3);

    // The notifier accepts it and mails the team and the organizer.
    const mail = await eventually('the briefing mail to the organizer', async () => bus.sink.messages().find((m) => m.to.includes(organizer.email) && m.headers['x-forewarn-kind'] === 'briefing'), { timeoutMs: 60_000 });
    expect(mail.headers['x-forewarn-account']).toBe(umbrella.id);
  });

  it('an all-clear says it was resolved before the meeting, and what was fixed', async () => {
    const ref = { id: globex.id };
    const reports = { id: `FD-${T}`, title: 'Reports time out', severity: 2, status: 'open' };
    await post([
      account(globex.id, 'Jo'),
      event('meeting.scheduled', { account: ref, meeting: { id: `qbr-${T}`, title: 'Globex QBR', startsAt: at(30), kind: 'qbr', organizer: owner('Jo') } }, 24),
      event('case.opened', { account: ref, case: reports }, 2),
      event('case.escalated', { account: ref, case: { ...reports, escalationLevel: 1 }, actor: { type: 'agent', name: 'Sam Ortiz' } }, 1),
    ]);
    await eventually('the heads-up', async () => (await alertsOf(globex.id)).some((a) => a.kind === 'heads-up'), { timeoutMs: 60_000 });
    await post([event('case.resolved', { account: ref, case: { id: reports.id }, actor: { type: 'agent', name: 'Sam Ortiz' } })]);
    const allClear = await eventually('the all-clear on alerts.v1', async () => alertMessages.find((m) => m.key === globex.id && m.value.data?.kind === 'all-clear'), { timeoutMs: 60_000 });
    expect(allClear.value.data.resolvedBeforeMeeting).toMatchObject({ meeting: { id: `qbr-${T}`, title: 'Globex QBR' }, recentlyFixed: [expect.objectContaining({ id: reports.id })] });
    expect((await health(globex.id))?.state).toBe('healthy');
  });

  it('<prefix>health.v1 carries every state change that the history records', async () => {
    const ids = [northwind.id, initech.id, umbrella.id, globex.id];
    const sequences = async () => {
      const history: { account_id: string; state: string; score: number }[] = await bus.database.db.query(
        'SELECT account_id, state, score FROM health.health_history WHERE account_id = ANY($1::text[]) ORDER BY id', [ids]);
      return ids.map((id) => ({
        id,
        history: history.filter((h) => h.account_id === id).map((h) => [h.state, h.score]),
        topic: healthMessages.filter((m) => m.key === id).map((m) => [m.value.data.state, m.value.data.score]),
      }));
    };
    // The sweep may record a change at any moment; once the outbox caught up, both say the same.
    const same = await eventually('health.v1 and the history to agree', async () => {
      const all = await sequences();
      return all.every((s) => s.history.length > 0 && JSON.stringify(s.history) === JSON.stringify(s.topic)) ? all : null;
    }, { timeoutMs: 30_000 });
    expect(same.map((s) => s.topic.length)).toEqual(same.map((s) => s.history.length));
    expect(healthMessages.find((m) => m.key === northwind.id)?.value.data).toMatchObject({ policyVersion: 'e2e v1', cause: 'events' });
  });

  it('`forewarn replay` rebuilds every projection from the topic and gives identical results', async () => {
    const snapshot = async () => ({
      events: await bus.database.db.query('SELECT source, id, type, account_key, account_id, subject_id, time, received_at, payload FROM health.events ORDER BY source, id'),
      accounts: await bus.database.db.query('SELECT id, name, domains, external_refs, owner_email, team, lead_email, members, tier, arr, renewal_date, timezone, source_time FROM health.accounts ORDER BY id'),
      cases: await bus.database.db.query('SELECT account_id, id, title, severity, status, escalation_level, assignee, opened_at, last_activity_at, resolved_at, is_open, state FROM health.cases ORDER BY account_id, id'),
      meetings: await bus.database.db.query('SELECT account_id, id, title, starts_at, ends_at, kind, organizer, attendees, cancelled FROM health.meetings ORDER BY account_id, id'),
      health: await bus.database.db.query('SELECT account_id, score, state, reasons, open_cases, open_escalations, alerted_state, policy_version FROM health.account_health ORDER BY account_id'),
    });
    await eventually('every event to be consumed', async () => (await bus.lag('account-health', bus.topics.events)) === 0);
    const before = await snapshot();
    const alertsBefore = await bus.database.db.query('SELECT count(*)::int AS n FROM health.alerts');

    const result = await cli(['replay']);
    expect(result.stderr).toContain('Replaying');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ topic: bus.topics.events, skipped: 0, events: before.events.length, accounts: before.accounts.length, cases: before.cases.length, healthChanged: 0 });
    expect(summary.messages).toBeGreaterThanOrEqual(before.events.length);

    expect(await snapshot()).toEqual(before);
    expect(await bus.database.db.query('SELECT count(*)::int AS n FROM health.alerts')).toEqual(alertsBefore); // a replay tells nobody anything

    // The service carries on where it was once the replay is done.
    await post([event('case.opened', { account: { id: initech.id }, case: { id: `ZD-${T}-after`, title: 'After the replay', severity: 3, status: 'open' } })]);
    await eventually('the new event to be projected', async () => (await bus.database.db.query('SELECT 1 FROM health.cases WHERE id = $1', [`ZD-${T}-after`])).length === 1);
  });

  it('`forewarn backtest` compares the alerts a candidate policy would have raised with the current ones', async () => {
    const candidate = join(dir, 'candidate.json');
    writeFileSync(candidate, JSON.stringify({ version: 'calm candidate', thresholds: { watch: 20, at_risk: 10, firestorm: 5 }, hardRules: [] }));
    const since = new Date(Date.now() - 7 * 24 * HOUR).toISOString().slice(0, 10);
    const result = await cli(['backtest', '--policy', candidate, '--since', since, '--tick-minutes', '30']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Backtest .* accounts, \d+ events/);
    const report = JSON.parse(result.stdout);
    expect(report.current.version).toBe('e2e v1');
    expect(report.candidate.version).toBe('calm candidate');
    expect(report.onlyCurrent).toEqual(expect.arrayContaining([expect.objectContaining({ accountId: northwind.id, kind: 'heads-up', state: 'firestorm' })]));
    expect(report.candidate.raised['heads-up']).toBeLessThan(report.current.raised['heads-up']);

    const bad = await cli(['backtest', '--policy', join(dir, 'missing.json'), '--since', since]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe(`forewarn: invalid health policy ${join(dir, 'missing.json')}: cannot be read (ENOENT)`);
  });

  it('reloads the policy without a restart — on SIGHUP and when the file changes — and re-scores every account', async () => {
    const service = bus.services['account-health'];
    // SIGHUP: a critical case now counts as stale after 3.6 seconds without an update.
    writePolicy({ version: 'e2e v2', stale: { ...DEFAULT_POLICY.stale, expectedUpdateHours: { 1: 0.001, 2: 24, 3: 72, 4: 168 } } });
    service.child.kill('SIGHUP');
    const stale = await eventually('northwind re-scored with v2', async () => {
      const h = await health(northwind.id);
      return h?.policy_version === 'e2e v2' && h.reasons.some((r) => r.code === 'stale_cases') ? h : null;
    }, { timeoutMs: 20_000 });
    expect(stale?.reasons.find((r) => r.code === 'stale_cases')?.label).toMatch(/^Nobody in support has updated “Checkout payments failing” for \d+ minutes?$/);
    expect(service.child.exitCode).toBeNull();
    expect((await fetch(`${service.url}/healthz`)).ok).toBe(true);
    expect((await health(initech.id))?.policy_version).toBe('e2e v2'); // every account, not only the time-dependent ones
    const causes: { cause: string }[] = await bus.database.db.query(`SELECT DISTINCT cause FROM health.health_history WHERE account_id = $1`, [northwind.id]);
    expect(causes.map((c) => c.cause)).toContain('policy');

    // A broken file is refused; the policy in force stays.
    writeFileSync(policyFile, '{ "version": "broken", "handoffs": { "wieght": 1 } }');
    service.child.kill('SIGHUP');
    await sleep(2_000);
    expect((await health(northwind.id))?.policy_version).toBe('e2e v2');
    expect(service.logs()).toContain('handoffs.wieght is not a known setting');

    // A file change alone is picked up too.
    writePolicy({ version: 'e2e v3' });
    await eventually('the file change to be picked up', async () => (await health(northwind.id))?.policy_version === 'e2e v3', { timeoutMs: 20_000 });
  });

  it('a bad policy file stops account-health at start with one clear line', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ version: 'bad', thresholds: { watch: 50, at_risk: 60, firestorm: 35 } }));
    const child = spawn(process.execPath, [join(REPO_ROOT, 'dist/apps/account-health/src/main.js')], {
      cwd: REPO_ROOT,
      env: { ...process.env, HEALTH_POLICY_FILE: bad, DATABASE_URL: bus.database.url, KAFKA_BROKERS: TEST_KAFKA_BROKERS, ACCOUNT_HEALTH_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(78);
    expect(stderr).toBe(`forewarn account-health: invalid health policy ${bad}: thresholds must satisfy watch > at_risk > firestorm\n`);
  });
});
