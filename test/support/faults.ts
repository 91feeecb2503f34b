import type { Topics } from '@forewarn/contracts';
import type { SinkMessage } from '@forewarn/devstack';
import type { Kafka } from 'kafkajs';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import type { DataSource } from 'typeorm';
import { type Bus, startBus } from './bus';
import { TEST_KAFKA_BROKERS } from './paths';
import { type AppName, eventually, type RunningService, sleep, startService, testTag } from './services';

/**
 * The fault and scale-out tests' harness: a seeded workload of support stories, a crasher that
 * kills and restarts services with the environment they had, and the checks that what came out
 * equals a clean single-instance run of the same events (nothing lost, nothing doubled).
 */

/** Health moves with the clock (decaying signals): both sides of a comparison re-evaluate every second. */
export const SWEEP_ENV = { HEALTH_SWEEP_INTERVAL_MS: '1000' };

/* ------------------------------------------------------------------------------------------------
 * Harness: restarts with the very environment the bus gave a service, read from /proc.
 */

/** The environment a running service was started with (so a restart is the same service). */
export function envOf(service: RunningService): NodeJS.ProcessEnv {
  const raw = readFileSync(`/proc/${service.child.pid}/environ`, 'utf8');
  return Object.fromEntries(raw.split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}

export class Crasher {
  private readonly spawned: RunningService[] = [];
  readonly log: string[] = [];

  constructor(private readonly services: Record<string, RunningService>) {}

  /** kill -9, then start the same service again with the same environment; returns the downtime. */
  async crashAndRestart(name: AppName, pauseMs = 0): Promise<number> {
    const victim = this.services[name];
    const env = envOf(victim);
    const killedAt = Date.now();
    await victim.stop('SIGKILL');
    if (pauseMs > 0) await sleep(pauseMs);
    const fresh = await startService(name, env);
    this.spawned.push(fresh);
    this.services[name] = fresh;
    this.log.push(`${new Date(killedAt).toISOString()} kill -9 ${name}, up again after ${Date.now() - killedAt} ms`);
    return Date.now() - killedAt;
  }

  /**
   * Restarts a service that exits on its own (as systemd or Kubernetes would), so a run can go on
   * and show what was lost; every such crash is recorded, and the tests expect none.
   */
  supervise(names: AppName[]): void {
    for (const name of names) this.watch(name);
  }

  readonly crashes: string[] = [];
  private supervising = true;

  private watch(name: AppName): void {
    const service = this.services[name];
    const env = envOf(service);
    service.child.once('exit', (code, signal) => {
      if (!this.supervising || this.services[name] !== service || signal === 'SIGKILL' || signal === 'SIGTERM') return;
      const tail = service.logs().split('\n').filter((l) => /Unhandled|Error|error:/.test(l)).slice(-3).join(' | ').slice(0, 600);
      this.crashes.push(`${new Date().toISOString()} ${name} exited by itself (code ${code}): ${tail}`);
      void startService(name, env).then(
        (fresh) => {
          this.spawned.push(fresh);
          this.services[name] = fresh;
          this.watch(name);
        },
        (error: Error) => this.crashes.push(`${name} could not be restarted: ${error.message.slice(0, 300)}`),
      );
    });
  }

  async stopAll(): Promise<void> {
    this.supervising = false;
    await Promise.all(this.spawned.map((s) => s.stop()));
  }
}

/** A small seeded PRNG (mulberry32), so a workload and its kill moments can be replayed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/* ------------------------------------------------------------------------------------------------
 * Workload: accounts with support stories, sent as batches in an interleaved order.
 */

export type Event = { specversion: '1.0'; id: string; type: string; time: string; data: Record<string, unknown> };

/**
 * Deterministic stories: each account is upserted, then gets cases that are opened, escalated,
 * commented on angrily, rejected, resolved, reopened… Times are recent (the last half hour), so
 * time-driven signals barely move between the run under faults and the clean run after it.
 */
export function workload(tag: string, accounts: number, seed: number): Event[] {
  const rnd = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
  const base = Date.now() - 30 * 60_000;
  let seq = 0;
  const perAccount: Event[][] = [];
  for (let a = 0; a < accounts; a++) {
    const id = `acct-${tag}-${a}`;
    const events: Event[] = [];
    const at = () => new Date(base + seq * 250).toISOString();
    const event = (type: string, data: Record<string, unknown>): Event => ({ specversion: '1.0', id: `f-${tag}-${seq++}`, type: `forewarn.${type}`, time: at(), data });
    events.push(event('account.upserted', { id, name: `Account ${a}`, owner: { name: `Owner ${a}`, email: `owner.${a}.${tag}@sales.example` }, lead: { name: 'Lead', email: `lead.${tag}@sales.example` }, team: 'enterprise', timezone: 'UTC' }));
    const cases = 1 + Math.floor(rnd() * 3);
    for (let c = 0; c < cases; c++) {
      const kase = { id: `C-${a}-${c}`, title: `Problem ${a}/${c}`, severity: 1 + Math.floor(rnd() * 4), status: 'open' };
      const ref = { account: { id }, case: { id: kase.id } };
      events.push(event('case.opened', { account: { id }, case: kase, actor: { type: 'customer', name: 'Dana' } }));
      const steps = 2 + Math.floor(rnd() * 10);
      for (let s = 0; s < steps; s++) {
        const step = pick(['commented', 'commented', 'escalated', 'assigned', 'resolution_proposed', 'resolution_rejected', 'priority_changed', 'sla_breached', 'resolved', 'reopened', 'updated'] as const);
        if (step === 'commented') events.push(event('case.commented', { ...ref, actor: { type: 'customer', name: 'Dana' }, comment: { public: true, excerpt: pick(['This is unacceptable, the third outage this month.', 'Any news?', 'Thanks, that helped.', 'We are losing money every hour this is down!']) } }));
        if (step === 'escalated') events.push(event('case.escalated', { ...ref, case: { id: kase.id, escalationLevel: 1 + Math.floor(rnd() * 3) }, reason: 'Revenue impact' }));
        if (step === 'assigned') events.push(event('case.assigned', { ...ref, assignee: { id: `agent-${Math.floor(rnd() * 5)}`, name: `Agent ${Math.floor(rnd() * 5)}` } }));
        if (step === 'resolution_proposed') events.push(event('case.resolution_proposed', { ...ref, reason: 'Try the workaround' }));
        if (step === 'resolution_rejected') events.push(event('case.resolution_rejected', { ...ref, actor: { type: 'customer', name: 'Dana' }, reason: 'The workaround doubles our fees' }));
        if (step === 'priority_changed') events.push(event('case.priority_changed', { ...ref, case: { id: kase.id, severity: 1 + Math.floor(rnd() * 4) } }));
        if (step === 'sla_breached') events.push(event('case.sla_breached', ref));
        if (step === 'resolved') events.push(event('case.resolved', { ...ref, case: { id: kase.id, status: 'solved' } }));
        if (step === 'reopened') events.push(event('case.reopened', { ...ref, case: { id: kase.id, status: 'open' }, actor: { type: 'customer', name: 'Dana' } }));
        if (step === 'updated') events.push(event('case.updated', { ...ref, case: { id: kase.id, status: pick(['open', 'pending', 'on_hold'] as const) } }));
      }
    }
    if (rnd() < 0.3) events.push(event('survey.responded', { account: { id }, survey: { kind: 'csat', score: 1 + Math.floor(rnd() * 5), comment: 'Meh' } }));
    perAccount.push(events);
  }
  // Interleave: each account's events stay in order, accounts mix.
  const out: Event[] = [];
  const queues = perAccount.map((q) => [...q]);
  while (queues.some((q) => q.length > 0)) {
    const open = queues.filter((q) => q.length > 0);
    const q = open[Math.floor(rnd() * open.length)];
    out.push(...q.splice(0, 1 + Math.floor(rnd() * 3)));
  }
  return out;
}

/* ------------------------------------------------------------------------------------------------
 * What is compared with the clean run, and the checks on mail.
 */

export interface Projection {
  events: number;
  accounts: unknown[];
  cases: unknown[];
  health: unknown[];
}

/**
 * The projections that must not depend on how the work was cut into batches or how often it was
 * interrupted: accounts, cases (their whole folded state), health (score, state, counts, and the
 * reasons' codes and weights — the labels say "for 12 minutes" and so move with the clock).
 */
export async function projection(db: DataSource): Promise<Projection> {
  const [{ n }] = await db.query('SELECT count(*)::int AS n FROM health.events');
  const accounts = await db.query('SELECT id, name, owner_email, lead_email, team FROM health.accounts ORDER BY id');
  const cases = await db.query(`SELECT account_id, id, title, severity, status, escalation_level, assignee, opened_at, last_activity_at, resolved_at, is_open, state
                                FROM health.cases ORDER BY account_id, id`);
  const health = await db.query(`SELECT account_id, score, state, open_cases, open_escalations,
                                   (SELECT coalesce(json_agg(json_build_object('code', r->>'code', 'weight', r->'weight') ORDER BY ord), '[]'::json)
                                    FROM jsonb_array_elements(reasons) WITH ORDINALITY AS x(r, ord)) AS reasons
                                 FROM health.account_health ORDER BY account_id`);
  return { events: n, accounts, cases, health };
}

/** Each alert went to each recipient at most once (the contract's promise). */
export function duplicateMails(messages: SinkMessage[]): string[] {
  const seen = new Map<string, number>();
  for (const m of messages) {
    for (const to of m.to) {
      const key = `${m.headers['x-forewarn-alert-id']} → ${to}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
  }
  return [...seen].filter(([, n]) => n > 1).map(([key, n]) => `${key} ×${n}`);
}

/** Every notification the ledger says was sent is in the sink, and none is still waiting. */
export async function mailLedger(db: DataSource, sink: { messages(): SinkMessage[] }) {
  const rows: { alert_id: string; recipient: string; status: string }[] = await db.query(`SELECT alert_id, recipient, status FROM notifier.notifications`);
  const inSink = new Set(sink.messages().flatMap((m) => m.to.map((to) => `${m.headers['x-forewarn-alert-id']} → ${to}`)));
  const sentButMissing = rows.filter((r) => r.status === 'sent' && !inSink.has(`${r.alert_id} → ${r.recipient}`));
  const waiting = rows.filter((r) => r.status === 'pending' || r.status === 'retrying');
  const byStatus = rows.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
  return { rows: rows.length, sentButMissing, waiting, byStatus };
}

/** Alerts account-health decided that never reached the notifier's ledger. */
export async function lostAlerts(db: DataSource): Promise<string[]> {
  const rows: { id: string }[] = await db.query(`SELECT a.id::text AS id FROM health.alerts a
                                                 WHERE NOT EXISTS (SELECT 1 FROM notifier.notifications n WHERE n.alert_id = a.id::text)`);
  return rows.map((r) => r.id);
}

/** Reads a whole topic (all partitions, from the start) into memory, in offset order per partition. */
export async function readTopic(kafka: Kafka, topic: string, expected: number): Promise<{ partition: number; key: Buffer | null; value: Buffer | null; headers: Record<string, unknown>; timestamp: number }[]> {
  const out: { partition: number; offset: bigint; key: Buffer | null; value: Buffer | null; headers: Record<string, unknown>; timestamp: number }[] = [];
  const consumer = kafka.consumer({ groupId: `faults-copy-${testTag('copy')}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      out.push({ partition, offset: BigInt(message.offset), key: message.key, value: message.value, headers: (message.headers ?? {}) as Record<string, unknown>, timestamp: Number(message.timestamp) });
    },
  });
  await eventually(`${expected} messages of ${topic}`, async () => out.length >= expected, { timeoutMs: 60_000 });
  await consumer.disconnect();
  return out.sort((a, b) => a.partition - b.partition || (a.offset < b.offset ? -1 : 1));
}

/**
 * The clean run: the very messages the run under faults had on its events topic, copied to a
 * fresh topic and database, consumed by one account-health nobody disturbs.
 */
export async function startCleanReplay(from: { kafka: Kafka; topics: Topics }): Promise<{ db: DataSource; stop(): Promise<void> }> {
  const admin = from.kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(from.topics.events);
  await admin.disconnect();
  const total = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  const messages = await readTopic(from.kafka, from.topics.events, total);
  const clean = await startBus('faultsclean', {}, []);
  const producer = clean.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (let i = 0; i < messages.length; i += 500) {
    await producer.send({
      topic: clean.topics.events,
      acks: -1,
      messages: messages.slice(i, i + 500).map((m) => ({ partition: m.partition, key: m.key, value: m.value, headers: m.headers as Record<string, string> })),
    });
  }
  await producer.disconnect();
  const env = { KAFKA_BROKERS: TEST_KAFKA_BROKERS, FOREWARN_TOPIC_PREFIX: `test.${clean.tag}.`, DATABASE_URL: clean.database.url, FOREWARN_SECRET: 'test-secret-0123456789abcdef0123456789', ...SWEEP_ENV };
  const consumer = await startService('account-health', env);
  const stop = async () => {
    await consumer.stop();
    await clean.stop();
  };
  try {
    await eventually('the clean run to consume everything', async () => (await clean.lag('account-health', clean.topics.events)) === 0, { timeoutMs: 120_000, intervalMs: 500 });
  } catch (error) {
    await stop();
    throw error;
  }
  return { db: clean.database.db, stop };
}

/**
 * Compares the run under faults with the clean run. Both sweep every second, so health is
 * re-evaluated at nearly the same clock on both sides (decaying signals move with time); the
 * comparison is retried for a few seconds before the difference is shown.
 */
/** The bus for a database fault: account-health, the notifier and the gateway, restarted by a supervisor if one crashes. */
export async function startSupervisedBus(name: string, databaseServer?: string): Promise<{ bus: Bus; crasher: Crasher; apiKey: string }> {
  const apps: AppName[] = ['account-health', 'notifier', 'gateway'];
  const bus = await startBus(name, { ...SWEEP_ENV, GATEWAY_RATE_LIMIT_PER_SECOND: '100000' }, apps, { databaseServer });
  const crasher = new Crasher(bus.services);
  crasher.supervise(apps);
  return { bus, crasher, apiKey: await bus.addSource('helpdesk') };
}

/**
 * After a database fault: every accepted event stored once and folded as a clean run folds it,
 * nothing dead-lettered, no alert lost, no mail lost or sent twice, and no service crashed.
 */
export async function expectNothingLost(bus: Bus, accepted: Set<string>, crasher: Crasher): Promise<void> {
  await settle(bus, 300_000);
  const ledger = await mailSettled(bus, 200_000); // longer than the sender's 120 s lease
  const faulty = await projection(bus.database.db);
  expect({ stored: faulty.events, deadLettered: await bus.messageCount(bus.topics.dlq) }).toEqual({ stored: accepted.size, deadLettered: 0 });
  await expectSameAsCleanRun(bus.database.db, bus, accepted.size);
  expect(await lostAlerts(bus.database.db)).toEqual([]);
  expect(ledger.sentButMissing).toEqual([]);
  expect(duplicateMails(bus.sink.messages())).toEqual([]);
  expect(crasher.crashes).toEqual([]);
}

export async function expectSameAsCleanRun(faultyDb: DataSource, from: { kafka: Kafka; topics: Topics }, accepted: number): Promise<void> {
  const clean = await startCleanReplay(from);
  try {
    let last: [Projection, Projection] | null = null;
    await eventually('the same projections as the clean run', async () => {
      last = await Promise.all([projection(faultyDb), projection(clean.db)]);
      return isDeepStrictEqual(last[0], last[1]);
    }, { timeoutMs: 15_000, intervalMs: 1_000 }).catch(() => undefined);
    const [faulty, reference] = last as unknown as [Projection, Projection];
    expect(reference.events).toBe(accepted);
    expect(faulty.events).toBe(accepted);
    expect(faulty.accounts).toEqual(reference.accounts);
    expect(faulty.cases).toEqual(reference.cases);
    expect(faulty.health).toEqual(reference.health);
  } finally {
    await clean.stop();
  }
}

/** Posts the workload in batches, retrying what was not accepted (as a support system would). */
export async function stream(bus: Pick<Bus, 'postEvents'>, apiKey: string, events: Event[], opts: { batch: number; pauseMs: number; stopWhen?: () => boolean }) {
  const accepted = new Set<string>();
  const statuses: Record<number, number> = {};
  for (let i = 0; i < events.length; i += opts.batch) {
    const batch = events.slice(i, i + opts.batch);
    for (let attempt = 1; ; attempt++) {
      let status = 0;
      try {
        const response = await bus.postEvents(apiKey, batch);
        status = response.status;
      } catch {
        status = -1; // connection refused or reset
      }
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === 202) {
        for (const e of batch) accepted.add(e.id);
        break;
      }
      if (attempt > 200) throw new Error(`batch at ${i} never accepted; statuses ${JSON.stringify(statuses)}`);
      await sleep(250);
    }
    if (opts.pauseMs) await sleep(opts.pauseMs);
  }
  return { accepted, statuses };
}

export const note = (line: string) => process.stderr.write(`[faults] ${line}\n`);

/** Waits until account-health and the notifier consumed everything and the outbox is empty. */
export async function settle(bus: Bus, timeoutMs = 120_000): Promise<void> {
  await eventually('account-health to consume every event', async () => (await bus.lag('account-health', bus.topics.events)) === 0, { timeoutMs, intervalMs: 500 });
  await eventually('the outbox to drain', async () => (await bus.database.db.query('SELECT count(*)::int AS n FROM health.outbox'))[0].n === 0, { timeoutMs, intervalMs: 500 });
  await eventually('the notifier to consume every alert', async () => (await bus.lag('notifier', bus.topics.alerts)) === 0, { timeoutMs, intervalMs: 500 });
}

/**
 * No notification waits any more (sent, grouped away or suppressed), within a deadline. With
 * `leasedIsSettled`, a row that a sender claimed and could not record an outcome for (its
 * connection was cut) counts as settled: it keeps its lease (120 s) and is sent when that ends —
 * delayed, not lost. Those rows are returned, so the caller can report them.
 */
export async function mailSettled(bus: Bus, timeoutMs = 60_000, { leasedIsSettled = false } = {}) {
  const leasedRows = async () =>
    (await bus.database.db.query(
      `SELECT alert_id, recipient, status, attempts, next_attempt_at, last_error FROM notifier.notifications
       WHERE status IN ('pending', 'retrying') AND attempts > 0 AND next_attempt_at > now()`,
    )) as { alert_id: string; recipient: string; status: string; attempts: number; next_attempt_at: Date; last_error: string | null }[];
  let last: Awaited<ReturnType<typeof mailLedger>> | null = null;
  try {
    return await eventually('every notification to be sent or settled', async () => {
      last = await mailLedger(bus.database.db, bus.sink);
      if (last.waiting.length === 0) return { ...last, leased: [] as Awaited<ReturnType<typeof leasedRows>> };
      if (!leasedIsSettled) return null;
      const leased = await leasedRows();
      return leased.length === last.waiting.length ? { ...last, leased } : null;
    }, { timeoutMs, intervalMs: 500 });
  } catch (error) {
    const waiting = await bus.database.db.query(`SELECT status, attempts, next_attempt_at, now() AS now, last_error FROM notifier.notifications WHERE status IN ('pending', 'retrying')`);
    throw new Error(`${(error as Error).message}; still waiting: ${JSON.stringify(waiting).slice(0, 1500)}; ledger ${JSON.stringify((last as { byStatus?: unknown } | null)?.byStatus)}`);
  }
}

