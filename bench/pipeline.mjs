#!/usr/bin/env node
// Pipeline throughput: N events already on a fresh `<prefix>events.v1` → projections committed.
// In one run, on the same topic: (a) raw kafkajs consumption doing nothing, (b) Forewarn's
// account-health, (c) the naive NestJS way (@EventPattern + TypeORM save() per message).
//
//   node bench/pipeline.mjs     (after `npm run build`; or `npm run bench -- pipeline`)
//   BENCH_EVENTS=200000 BENCH_ACCOUNTS=5000 BENCH_NAIVE_SECONDS=60 BENCH_PROFILE=1
//   BENCH_BEFORE=<checkout with dist/ built>: also runs that build's account-health on the same
//   events (its own topic and database), so a change is measured before and after in one run.
// And (d) the PostgreSQL-only limit: account-health drains the same events once more with every
// statement it completes recorded (bench/lib/sql-recorder.cjs, its own topic and database); the
// recording is replayed into a fresh database with no Node work per event (bench/lib/sql-replay.mjs).
// BENCH_LIMIT=0 leaves it out. After account-health, `forewarn replay` rebuilds its projections from
// the topic and the two are compared row by row (BENCH_REPLAY_CHECK=0 leaves it out).
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { eventStream, keyOf } from './lib/events.mjs';
import { summariseProfiles } from './lib/profile.mjs';
import { replaySql } from './lib/sql-replay.mjs';
import { commitOf, dist, eventually, log, machine, postgresCpuSeconds, REPO_ROOT, sampleMemory, saveResults, sleep, startEnvironment, startProcess, table } from './lib/stack.mjs';

const { ensureTopics } = dist('libs/messaging/src/index.js');
const { topicsFor } = dist('libs/contracts/src/index.js');

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 5_000);
const NAIVE_SECONDS = Number(process.env.BENCH_NAIVE_SECONDS ?? 60);
const PROFILE = process.env.BENCH_PROFILE === '1';
const BEFORE = process.env.BENCH_BEFORE ?? null;
const LIMIT = process.env.BENCH_LIMIT !== '0';
const REPLAY_CHECK = process.env.BENCH_REPLAY_CHECK !== '0';
/**
 * Other settings of account-health to drain the same events alongside, each on its own topic and
 * database: BENCH_VARIANTS='[{"label":"fetch 2 MiB","env":{"HEALTH_FETCH_MAX_BYTES":"2097152"},"nodeArgs":["--max-old-space-size=192"]}]'.
 */
const VARIANTS = JSON.parse(process.env.BENCH_VARIANTS ?? '[]').map((v) => ({ label: String(v.label), env: v.env ?? {}, nodeArgs: v.nodeArgs ?? [] }));
const variantPrefix = (i) => `${env.prefix}v${i}.`;
const beforeLabel = BEFORE ? `account-health before (${commitOf(BEFORE)})` : null;

const host = machine();
const env = await startEnvironment('pipe');
const results = [];
let profile = null;
let databaseProfile = null;
let limitStatements = null;

/**
 * How many updates of the health rows and cases PostgreSQL made in place (HOT: no index touched),
 * of all updates, in the database `query` runs on: after the writer's connections have closed.
 */
async function inPlaceUpdates(query) {
  const rows = await query(`SELECT relname, n_tup_upd::int AS updates, n_tup_hot_upd::int AS hot FROM pg_stat_user_tables WHERE schemaname = 'health' AND relname IN ('account_health', 'cases') ORDER BY relname`);
  return Object.fromEntries(rows.map((r) => [r.relname, `${r.hot} of ${r.updates}`]));
}

/** Polls the group's lag until 0; returns wall time from start and the sustained rate after the first progress. */
async function timeToDrain(group, startedAt, { timeoutMs = 30 * 60_000, extraDone = async () => true, topic = env.topics.events } = {}) {
  let firstProgressAt = null;
  let firstProgressDone = 0;
  let halfAt = null;
  let halfDone = 0;
  let lastLog = 0;
  for (;;) {
    const lag = await env.lag(group, topic).catch(() => EVENTS);
    const done = EVENTS - lag;
    const now = Date.now();
    if (done > 0 && firstProgressAt === null) {
      firstProgressAt = now;
      firstProgressDone = done;
    }
    if (done >= EVENTS / 2 && halfAt === null) {
      halfAt = now;
      halfDone = done;
    }
    if (now - lastLog > 5_000) {
      log(`  ${group}: ${done}/${EVENTS}`);
      lastLog = now;
    }
    if (lag === 0 && (await extraDone())) {
      const wallSeconds = (now - startedAt) / 1000;
      const sustainedSeconds = (now - (firstProgressAt ?? startedAt)) / 1000;
      return {
        wallSeconds: Number(wallSeconds.toFixed(1)),
        eventsPerSecondWall: Math.round(EVENTS / wallSeconds),
        eventsPerSecondSustained: Math.round((EVENTS - firstProgressDone) / Math.max(sustainedSeconds, 0.001)),
        // The second half only: no account upserts left, the steady state.
        eventsPerSecondSecondHalf: halfAt && now - halfAt > 500 ? Math.round((EVENTS - halfDone) / ((now - halfAt) / 1000)) : null,
      };
    }
    if (now - startedAt > timeoutMs) throw new Error(`${group} did not drain within ${timeoutMs / 1000} s (lag ${lag})`);
    await sleep(200);
  }
}

/**
 * The projections account-health left, against what `forewarn replay` rebuilds from the same topic
 * in their place: rows of each table found in one and not the other (times of writing, alert
 * memory and arrival numbers left out; scores are taken at the time of scoring, so a score that
 * decays with age may move between the two).
 */
async function projectionsEqualReplay() {
  const tables = {
    events: 'SELECT source, id, type, account_id, subject_id FROM health.events',
    accounts: 'SELECT id, name, domains, external_refs, owner_email, source_time FROM health.accounts',
    cases: 'SELECT account_id, id, status, severity, escalation_level, is_open, state FROM health.cases',
    meetings: 'SELECT account_id, id, starts_at, cancelled FROM health.meetings',
    // Scores that move with time alone (staleness, decay) are taken when each is scored: live at its
    // batch, the replay a minute or more later. Those are compared by their counts only.
    health: 'SELECT account_id, score, state, reasons, open_cases, open_escalations FROM health.account_health WHERE NOT time_dependent',
    'time-dependent health': 'SELECT account_id, open_cases, open_escalations FROM health.account_health WHERE time_dependent',
  };
  for (const [name, sql] of Object.entries(tables)) await env.db.query(`CREATE TABLE public."before_replay_${name}" AS ${sql}`);
  const replay = execFileSync(process.execPath, [`${REPO_ROOT}/dist/apps/forewarn/src/main.js`, 'replay'], { cwd: REPO_ROOT, env: { ...process.env, ...env.env }, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (!replay.includes('{')) throw new Error(`forewarn replay said: ${replay.slice(-500)}`);
  const differences = [];
  for (const [name, sql] of Object.entries(tables)) {
    const [{ n, total }] = await env.db.query(
      `SELECT (SELECT count(*) FROM ((TABLE public."before_replay_${name}" EXCEPT ALL ${sql}) UNION ALL (${sql} EXCEPT ALL TABLE public."before_replay_${name}")) d)::int AS n,
              (SELECT count(*) FROM public."before_replay_${name}")::int AS total`,
    );
    differences.push(`${name} ${n === 0 ? 'equal' : `${n} rows differ`} (${total})`);
    await env.db.query(`DROP TABLE public."before_replay_${name}"`);
  }
  return differences.join(', ');
}

try {
  // 1. The events, on the topic before any consumer starts (and the same events on the "before" topic).
  const produce = async (topic) => {
    log(`producing ${EVENTS} events over ${ACCOUNTS} accounts to ${topic}`);
    const producer = env.kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const next = eventStream({ tag: env.tag, accounts: ACCOUNTS, seed: 7, source: '/sources/bench' });
    const producedAt = Date.now();
    const sends = [];
    for (let i = 0; i < EVENTS; i += 1000) {
      const messages = Array.from({ length: Math.min(1000, EVENTS - i) }, () => {
        const event = next();
        return { key: keyOf(event), value: JSON.stringify(event) };
      });
      sends.push(producer.send({ topic, acks: -1, messages }));
      if (sends.length >= 8) await sends.shift();
    }
    await Promise.all(sends);
    await producer.disconnect();
    log(`produced in ${((Date.now() - producedAt) / 1000).toFixed(1)} s`);
  };
  await produce(env.topics.events);
  // The same events again on the topics of another prefix, for a consumer run alongside.
  const produceUnder = async (prefix) => {
    await ensureTopics(env.kafka, prefix);
    await produce(topicsFor(prefix).events);
  };
  const beforePrefix = `${env.prefix}before.`;
  if (BEFORE) await produceUnder(beforePrefix);
  for (const [i] of VARIANTS.entries()) await produceUnder(variantPrefix(i));
  const limitPrefix = `${env.prefix}limit.`;
  if (LIMIT) await produceUnder(limitPrefix);

  // 2. Raw kafkajs, doing nothing.
  {
    const startedAt = Date.now();
    const raw = await startProcess('raw', env.env, { script: `${REPO_ROOT}/bench/baseline/raw-consumer.mjs`, waitForHealth: false });
    const timing = await timeToDrain(`${env.prefix}raw`, startedAt);
    const memory = raw.memory();
    const cpu = raw.cpuSeconds();
    await raw.stop();
    results.push({ system: 'raw kafkajs (no work)', ...timing, cpuSeconds: cpu, peakRssMb: memory.peakMb });
    log(`raw: ${JSON.stringify(results.at(-1))}`);
  }

  // 3a. The same events through another account-health alongside: as built in BENCH_BEFORE, or with
  // a variant's settings (each on its own topic and database, which it migrates).
  const drainAlongside = async (system, prefix, { root = REPO_ROOT, extraEnv = {}, nodeArgs = [] } = {}) => {
    const alongsideEnv = { ...env.env, ...extraEnv, FOREWARN_TOPIC_PREFIX: prefix, DATABASE_URL: `${env.databaseUrl}_${prefix.replace(/\W/g, '_')}` };
    const startedAt = Date.now();
    const health = await startProcess('account-health', alongsideEnv, { waitForHealth: false, root, nodeArgs });
    const sampler = sampleMemory(health);
    const timing = await timeToDrain(`${prefix}account-health`, startedAt, { topic: topicsFor(prefix).events });
    const memory = health.memory();
    const cpu = health.cpuSeconds();
    const peaksMb = sampler.stop();
    await health.stop();
    await sleep(1_000); // its connections closed, and with that flushed their statistics
    const own = new pg.Client({ connectionString: alongsideEnv.DATABASE_URL });
    await own.connect();
    const hotUpdates = await inPlaceUpdates(async (sql) => (await own.query(sql)).rows).finally(() => own.end());
    results.push({ system, ...timing, cpuSeconds: cpu, peakRssMb: memory.peakMb, peaksMb, hotUpdates });
    log(`${system}: ${JSON.stringify(results.at(-1))}`);
    const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${new URL(alongsideEnv.DATABASE_URL).pathname.slice(1)}" WITH (FORCE)`).finally(() => admin.end());
  };
  if (BEFORE) await drainAlongside(beforeLabel, beforePrefix, { root: BEFORE });
  for (const [i, variant] of VARIANTS.entries()) await drainAlongside(`account-health, ${variant.label}`, variantPrefix(i), { extraEnv: variant.env, nodeArgs: variant.nodeArgs });

  // 3b. The PostgreSQL-only limit: record what account-health makes PostgreSQL do, then replay it.
  if (LIMIT) {
    const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    const recordUrl = `${env.databaseUrl}_record`;
    const limitUrl = `${env.databaseUrl}_limit`;
    const file = `/tmp/forewarn-sql-${env.tag}.jsonl`;
    try {
      log('recording the statements account-health completes');
      const recordEnv = { ...env.env, FOREWARN_TOPIC_PREFIX: limitPrefix, DATABASE_URL: recordUrl, SQL_RECORD_FILE: file };
      const recorder = await startProcess('account-health', recordEnv, { waitForHealth: false, nodeArgs: ['--require', `${REPO_ROOT}/bench/lib/sql-recorder.cjs`] });
      await timeToDrain(`${limitPrefix}account-health`, Date.now(), { topic: topicsFor(limitPrefix).events });
      await sleep(2_000); // the outbox relay's last pass
      await recorder.stop();
      await admin.query(`CREATE DATABASE "${new URL(limitUrl).pathname.slice(1)}"`);
      log('replaying them into a fresh database');
      const replay = await replaySql(file, limitUrl, { timedFrom: /INSERT INTO health\.events/, cpuSeconds: postgresCpuSeconds });
      results.push({
        system: 'PostgreSQL-only limit (account-health\'s statements replayed)',
        wallSeconds: Number(replay.seconds.toFixed(1)), eventsPerSecondWall: null, eventsPerSecondSustained: Math.round(EVENTS / replay.seconds),
        cpuSeconds: null, postgresCpuSeconds: replay.cpuSeconds, peakRssMb: null,
        note: `${replay.statements} statements on ${replay.connections} connections replayed in ${replay.seconds.toFixed(1)} s (${replay.untimedStatements} start-up statements untimed); ${replay.errors} failed${replay.firstError ? ` (first: ${replay.firstError})` : ''}`,
      });
      log(`limit: ${JSON.stringify(results.at(-1))}`);
      process.stdout.write(`\nthe replayed statements (${replay.blocked} waited ${'>'} 20 ms for the one before):\n${table(replay.byKind)}\n`);
      limitStatements = replay.byKind;
    } finally {
      for (const url of [recordUrl, limitUrl]) await admin.query(`DROP DATABASE IF EXISTS "${new URL(url).pathname.slice(1)}" WITH (FORCE)`);
      await admin.end();
      execFileSync('rm', ['-f', file]);
    }
  }

  // 3. Forewarn account-health.
  {
    const postgresCpuBefore = postgresCpuSeconds();
    // What PostgreSQL wrote for it: WAL bytes (the server is this machine's) and rows changed in the database.
    const writes = async () => (await env.db.query(
      `SELECT pg_current_wal_lsn()::text AS lsn, tup_inserted + tup_updated + tup_deleted AS rows FROM pg_stat_database WHERE datname = current_database()`,
    ))[0];
    const writesBefore = await writes();
    const startedAt = Date.now();
    const nodeArgs = [
      ...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=/tmp/forewarn-health-profile-${Date.now()}`] : []),
      // e.g. a heap ceiling, to see what bounds account-health's memory: BENCH_HEALTH_NODE_ARGS=--max-old-space-size=200
      ...(process.env.BENCH_HEALTH_NODE_ARGS ?? '').split(' ').filter(Boolean),
    ];
    const health = await startProcess('account-health', env.env, { waitForHealth: false, nodeArgs });
    const memorySampler = sampleMemory(health);
    const stored = async () => (await env.db.query('SELECT count(*)::int AS n FROM health.events'))[0].n;
    // A poor man's database profile: what account-health's connections are doing, 10 times a second.
    const waits = new Map();
    let samples = 0;
    const sampler = setInterval(async () => {
      const rows = await env.db.query(`SELECT state, wait_event_type, left(regexp_replace(query, '\\s+', ' ', 'g'), 70) AS query FROM pg_stat_activity WHERE application_name = 'forewarn-account-health'`).catch(() => []);
      samples += 1;
      for (const r of rows) {
        const key = r.state === 'active' ? `active${r.wait_event_type ? ` (waiting: ${r.wait_event_type})` : ''}: ${r.query}` : r.state === 'idle in transaction' ? 'idle in transaction (Node is computing)' : 'idle';
        waits.set(key, (waits.get(key) ?? 0) + 1);
      }
    }, 100);
    const timing = await timeToDrain(`${env.prefix}account-health`, startedAt, { extraDone: async () => (await stored()) === EVENTS });
    clearInterval(sampler);
    databaseProfile = [...waits].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([what, n]) => ({ 'share of samples': `${((100 * n) / samples).toFixed(0)}%`, what }));
    process.stdout.write(`\naccount-health's PostgreSQL connections (${samples} samples; a connection counts once per sample):\n${table(databaseProfile)}\n`);
    const memory = health.memory();
    const peaksMb = memorySampler.stop();
    const cpu = health.cpuSeconds();
    const postgresCpu = Number((postgresCpuSeconds() - postgresCpuBefore).toFixed(2));
    const [{ accounts, cases, outbox }] = await env.db.query(`SELECT (SELECT count(*)::int FROM health.account_health) AS accounts, (SELECT count(*)::int FROM health.cases) AS cases, (SELECT count(*)::int FROM health.alerts) AS outbox`);
    const dead = await env.messageCount(env.topics.dlq);
    await health.stop();
    await sleep(1_000); // its connections closed, and with that flushed their statistics
    const writesAfter = await writes();
    const [{ wal }] = await env.db.query('SELECT pg_wal_lsn_diff($1, $2)::bigint AS wal', [writesAfter.lsn, writesBefore.lsn]);
    const postgresWrites = { walBytesPerEvent: Math.round(Number(wal) / EVENTS), rowsPerEvent: Number(((Number(writesAfter.rows) - Number(writesBefore.rows)) / EVENTS).toFixed(2)) };
    const hotUpdates = await inPlaceUpdates((sql) => env.db.query(sql));
    if (PROFILE) {
      const dir = health.child.spawnargs.find((a) => a.startsWith('--cpu-prof-dir='))?.split('=')[1];
      await sleep(1_000);
      profile = summariseProfiles(dir);
      process.stdout.write(`\naccount-health CPU profile, self time:\n${table(profile.byPackage)}\n\n${table(profile.byFunction)}\n`);
    }
    const replayCheck = REPLAY_CHECK ? await projectionsEqualReplay() : null;
    results.push({ system: 'Forewarn account-health', ...timing, cpuSeconds: cpu, postgresCpuSeconds: postgresCpu, ...postgresWrites, peakRssMb: memory.peakMb, peaksMb, hotUpdates, note: `${accounts} accounts, ${cases} cases, ${outbox} alerts, ${dead} dead-lettered${replayCheck ? `; projections after the run vs \`forewarn replay\`: ${replayCheck}` : ''}` });
    log(`account-health: ${JSON.stringify(results.at(-1))}`);
  }

  // 4. The naive NestJS consumer, time-boxed (it would take long to drain).
  {
    const naiveUrl = `${env.databaseUrl}_naive`;
    const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${new URL(naiveUrl).pathname.slice(1)}"`);
    const naive = await startProcess('naive', { ...env.env, NAIVE_DATABASE_URL: naiveUrl }, { script: `${REPO_ROOT}/bench/baseline/naive-consumer.cjs`, waitForHealth: false });
    const db = new pg.Client({ connectionString: naiveUrl });
    await eventually('the naive consumer to create its tables', async () => {
      try {
        await db.connect();
      } catch {
        /* already connected */
      }
      return (await db.query(`SELECT to_regclass('naive_events') AS t`)).rows[0].t;
    }, { timeoutMs: 60_000, intervalMs: 200 });
    const count = async () => (await db.query('SELECT count(*)::int AS n FROM naive_events')).rows[0].n;
    const firstAt = await eventually('the naive consumer to store its first event', async () => ((await count()) > 0 ? Date.now() : null), { timeoutMs: 120_000, intervalMs: 100 });
    const firstCount = await count();
    await sleep(NAIVE_SECONDS * 1000);
    const lastCount = await count();
    const seconds = (Date.now() - firstAt) / 1000;
    const memory = naive.memory();
    const cpu = naive.cpuSeconds();
    await naive.stop();
    await db.end();
    await admin.query(`DROP DATABASE IF EXISTS "${new URL(naiveUrl).pathname.slice(1)}" WITH (FORCE)`);
    await admin.end();
    const rate = Math.round((lastCount - firstCount) / seconds);
    results.push({ system: 'naive NestJS (@EventPattern + save())', wallSeconds: null, eventsPerSecondWall: null, eventsPerSecondSustained: rate, cpuSeconds: cpu, peakRssMb: memory.peakMb, note: `time-boxed: ${lastCount - firstCount} events in ${seconds.toFixed(0)} s; draining all ${EVENTS} would take ~${Math.round(EVENTS / Math.max(rate, 1) / 60)} min` });
    log(`naive: ${JSON.stringify(results.at(-1))}`);
  }
} finally {
  await env.close();
}

const of = (prefix) => results.find((r) => r.system.startsWith(prefix));
const forewarn = of('Forewarn');
const rows = results.map((r) => ({
  system: r.system,
  'events/s sustained': r.eventsPerSecondSustained,
  'events/s 2nd half': r.eventsPerSecondSecondHalf ?? '',
  'events/s incl. start': r.eventsPerSecondWall ?? '',
  'wall s': r.wallSeconds ?? '',
  'Forewarn ÷ this': forewarn ? Number((forewarn.eventsPerSecondSustained / r.eventsPerSecondSustained).toFixed(2)) : '',
  'CPU s': r.cpuSeconds ?? '',
  'µs CPU/event': r.cpuSeconds ? Math.round((r.cpuSeconds * 1e6) / EVENTS) : '',
  'PostgreSQL µs CPU/event': r.postgresCpuSeconds ? Math.round((r.postgresCpuSeconds * 1e6) / EVENTS) : '',
  'WAL B/event': r.walBytesPerEvent ?? '',
  'rows/event': r.rowsPerEvent ?? '',
  'peak RSS MB': r.peakRssMb ?? '',
  // Peaks while it ran, from its /metrics: V8 heap in use / reserved (of which the young generation), outside the heap.
  'heap used / total / young MB': r.peaksMb ? `${r.peaksMb.heapUsed} / ${r.peaksMb.heapTotal} / ${r.peaksMb.newSpace}` : '',
  'external MB': r.peaksMb?.external ?? '',
}));
process.stdout.write(`\n${EVENTS} events, ${ACCOUNTS} accounts\n${table(rows)}\n`);
for (const r of results) if (r.note) process.stdout.write(`  ${r.system}: ${r.note}\n`);
saveResults(process.env.BENCH_RESULTS ?? (PROFILE ? 'pipeline-profile' : 'pipeline'), { machine: host, settings: { EVENTS, ACCOUNTS, NAIVE_SECONDS, PROFILE, BEFORE: beforeLabel, LIMIT, VARIANTS }, rows, results, profile, databaseProfile, limitStatements });
