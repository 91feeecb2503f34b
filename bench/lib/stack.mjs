// What every benchmark needs: a broker, a fresh database and topic prefix, the compiled services as
// real processes, their peak memory, a description of the machine, and percentiles.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import pg from 'pg';
import { BENCH_BROKERS, dist, ensureBenchKafka, REPO_ROOT } from './kafka.mjs';

const require = createRequire(import.meta.url);

export { BENCH_BROKERS, dist, REPO_ROOT };

const { openDatabase } = dist('libs/database/src/index.js');
const { createKafka, ensureTopics } = dist('libs/messaging/src/index.js');
const { topicsFor } = dist('libs/contracts/src/index.js');

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function eventually(what, check, { timeoutMs = 60_000, intervalMs = 100 } = {}) {
  const until = Date.now() + timeoutMs;
  let last = null;
  while (Date.now() < until) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

/**
 * A broker, a topic prefix with Forewarn's topics, and a fresh migrated database; `close()` drops
 * the database, unless `keepDatabase`. `databaseUrl` names a database to use (and migrate) instead
 * of a fresh one, e.g. one a previous run seeded and kept: it is never dropped.
 */
export async function startEnvironment(name, { databaseUrl: reuseUrl = null, keepDatabase = false } = {}) {
  const broker = await ensureBenchKafka();
  const tag = `${name}_${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const prefix = `bench.${tag}.`;
  const kafka = createKafka({ brokers: BENCH_BROKERS.split(','), clientId: `bench-${tag}`, logLevel: 1 });
  await ensureTopics(kafka, prefix);
  const databaseUrl = reuseUrl ?? `postgres://postgres@127.0.0.1:5432/forewarn_bench_${tag}`.toLowerCase();
  const dropDatabase = !reuseUrl && !keepDatabase;
  const db = await openDatabase(databaseUrl, { poolSize: 3, applicationName: 'forewarn-bench' });
  const admin = kafka.admin();
  await admin.connect();
  const env = {
    KAFKA_BROKERS: BENCH_BROKERS,
    FOREWARN_TOPIC_PREFIX: prefix,
    DATABASE_URL: databaseUrl,
    FOREWARN_SECRET: 'bench-secret-0123456789abcdef0123456789',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  };
  return {
    tag,
    prefix,
    topics: topicsFor(prefix),
    kafka,
    admin,
    db,
    databaseUrl,
    env,
    /** Registers a source as an operator does (`forewarn source add`); its api key. */
    async addSource(sourceName) {
      const cli = join(REPO_ROOT, 'dist/apps/forewarn/src/main.js');
      const added = execFileSync(process.execPath, [cli, 'source', 'add', sourceName, '--kind', 'events'], { env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: 'utf8' });
      return JSON.parse(added).apiKey;
    },
    /** Messages ever written to a topic (sum of high watermarks). */
    async messageCount(topic) {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    },
    /** Messages of `topic` the group has not committed. */
    async lag(groupId, topic) {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const ends = await admin.fetchTopicOffsets(topic);
      return ends.reduce((sum, p) => {
        const done = Number(committed.partitions.find((c) => c.partition === p.partition)?.offset ?? -1);
        return sum + Number(p.high) - Math.max(done, Number(p.low));
      }, 0);
    },
    async close() {
      await admin.disconnect().catch(() => undefined);
      await db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`).catch(() => undefined);
      await db.destroy();
      if (dropDatabase) {
        const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS "${new URL(databaseUrl).pathname.slice(1)}" WITH (FORCE)`).finally(() => client.end());
      } else {
        log(`database kept: BENCH_DATABASE_URL=${databaseUrl}`);
      }
      // Topics are left on the benchmarks' broker; `rm -rf ~/.cache/forewarn/kafka-*/data-19092` clears them.
      if (broker.started) await broker.stop();
    },
  };
}

/** Peak resident memory (VmHWM) and current RSS of a process, in MB. */
export function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { peakMb: Math.round(kb('VmHWM') / 1024), rssMb: Math.round(kb('VmRSS') / 1024) };
  } catch {
    return { peakMb: null, rssMb: null };
  }
}

/** CPU time (user + system) a process used so far, in seconds. */
export function cpuSecondsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / 100;
  } catch {
    return null;
  }
}

/**
 * CPU time all PostgreSQL server processes used so far, in seconds (the server is this machine's;
 * a backend that exited takes its count with it, so read it while the connections are open).
 */
export function postgresCpuSeconds() {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue;
    }
    total += cpuSecondsOf(pid) ?? 0;
  }
  return total;
}

/**
 * CPU time the whole machine has been busy so far, in seconds (all cores, `/proc/stat`): what a
 * short-lived process (a PostgreSQL parallel worker) spent too, which `postgresCpuSeconds` misses.
 */
export function machineCpuSeconds() {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + steal) / 100;
}

/** The short commit a checkout (another build, `BENCH_BEFORE`) is at, for labelling its results. */
export function commitOf(checkout) {
  return execFileSync('git', ['-C', checkout, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
}

/** Children die with the benchmark, even when it is interrupted. */
const children = new Set();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));

const PORT_VARIABLE = { gateway: 'GATEWAY_PORT', 'account-health': 'ACCOUNT_HEALTH_PORT', notifier: 'NOTIFIER_PORT', dashboard: 'DASHBOARD_PORT' };

/**
 * Starts a compiled service, or any script (`{ script }`), as a process of its own; waits for
 * `GET /healthz` when `waitForHealth` (the default for services).
 */
export async function startProcess(name, env, { script, args = [], waitForHealth = true, nodeArgs = [], root = REPO_ROOT } = {}) {
  const port = await freePort();
  // `root`: another checkout's build (BENCH_BEFORE), to measure before and after a change in one run.
  const file = script ?? join(root, 'dist/apps', name, 'src/main.js');
  // A service runs with the Node.js options it is always started with (libs/service-kit/src/node-args.ts).
  const serviceArgs = script ? [] : require(join(root, 'dist/libs/service-kit/src/node-args.js')).nodeArgsFor(name);
  const output = [];
  const child = spawn(process.execPath, [...serviceArgs, ...nodeArgs, file, ...args], {
    cwd: root,
    env: { ...process.env, ...env, [PORT_VARIABLE[name] ?? 'PORT']: String(port), PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk) => {
    if (process.env.BENCH_LOGS) process.stderr.write(`[${name}] ${chunk}`);
    output.push(chunk.toString());
    if (output.length > 500) output.splice(0, output.length - 500);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  children.add(child);
  child.once('exit', () => children.delete(child));
  const service = {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    child,
    startedAt: Date.now(),
    logs: () => output.join(''),
    memory: () => memoryOf(child.pid),
    cpuSeconds: () => cpuSecondsOf(child.pid),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  if (waitForHealth) {
    await eventually(`${name} /healthz`, async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${service.logs()}`);
      return (await fetch(`${service.url}/healthz`)).ok;
    }, { timeoutMs: 120_000, intervalMs: 200 });
  }
  return service;
}

/**
 * Where a service's memory goes while it works: its `/metrics` (prom-client's process metrics) read
 * every `intervalMs`; `stop()` gives the peak of each, in MB — RSS, the V8 heap in use and reserved,
 * the young and old generations reserved, and memory outside the heap (Buffers); null when it never answered.
 * Once a second: a scrape costs the service work (account-health counts its outbox for it).
 */
export function sampleMemory(service, intervalMs = 1_000) {
  const peaks = { rss: 0, heapUsed: 0, heapTotal: 0, newSpace: 0, oldSpace: 0, external: 0 };
  // Each series as prom-client writes it, whatever default labels the service adds (`service`).
  const series = Object.fromEntries(Object.entries({
    rss: ['process_resident_memory_bytes', ''], heapUsed: ['nodejs_heap_size_used_bytes', ''], heapTotal: ['nodejs_heap_size_total_bytes', ''],
    newSpace: ['nodejs_heap_space_size_total_bytes', 'space="new"'], oldSpace: ['nodejs_heap_space_size_total_bytes', 'space="old"'], external: ['nodejs_external_memory_bytes', ''],
  }).map(([name, [metric, label]]) => [name, new RegExp(`^${metric}(?:\\{[^}]*${label}[^}]*\\})? (\\S+)`, 'm')]));
  let failure = null;
  const timer = setInterval(async () => {
    const text = await fetch(`${service.url}/metrics`).then((r) => r.text()).catch((error) => {
      failure = `${error.message} ${error.cause?.message ?? ''}`;
      return '';
    });
    for (const [name, pattern] of Object.entries(series)) {
      const value = Number(pattern.exec(text)?.[1] ?? 0) / 1024 ** 2;
      if (value > peaks[name]) peaks[name] = value;
    }
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      if (peaks.rss === 0) {
        log(`${service.name}'s /metrics never answered (${failure})`);
        return null;
      }
      return Object.fromEntries(Object.entries(peaks).map(([name, mb]) => [name, Math.round(mb)]));
    },
  };
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? null,
  };
}

/** The median; the mean of the middle two is rounded to `digits` decimals (integers by default: rates). */
export const median = (values, digits = 0) => {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  const scale = 10 ** digits;
  return sorted.length % 2 ? sorted[mid] : Math.round(((sorted[mid - 1] + sorted[mid]) / 2) * scale) / scale;
};

/** The machine, for the results: cores, memory, versions, and how busy it was. */
export function machine() {
  const run = (cmd, args) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return null;
    }
  };
  const pom = readFileSync(join(REPO_ROOT, 'docker/kafka/pom.xml'), 'utf8');
  return {
    nproc: Number(run('nproc', [])) || cpus().length,
    cpu: cpus()[0]?.model ?? null,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    kafka: /<kafka\.version>\s*([^<\s]+)/.exec(pom)?.[1] ?? null,
    postgres: run('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-Atc', 'SHOW server_version']),
    java: run('sh', ['-c', 'java -version 2>&1 | head -1']),
    commit: run('git', ['-C', REPO_ROOT, 'rev-parse', '--short', 'HEAD']),
    /** Other people's uncommitted work is in dist/ too when the tree is dirty. */
    dirtyTree: (run('git', ['-C', REPO_ROOT, 'status', '--porcelain', '--', 'apps', 'libs']) ?? '').length > 0,
    loadAverageAtStart: loadavg().map((l) => Number(l.toFixed(2))),
    at: new Date().toISOString(),
  };
}

/** Writes the results as JSON under bench/results/ and prints where. */
export function saveResults(name, results) {
  const dir = join(REPO_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify({ ...results, loadAverageAtEnd: loadavg().map((l) => Number(l.toFixed(2))) }, null, 2)}\n`);
  log(`results written to ${file}`);
}

/** A fixed-width table for the terminal. */
export function table(rows) {
  const keys = Object.keys(rows[0] ?? {});
  const width = keys.map((k) => Math.max(k.length, ...rows.map((r) => String(r[k] ?? '').length)));
  const line = (cells) => cells.map((c, i) => String(c ?? '').padEnd(width[i])).join('  ');
  return [line(keys), line(width.map((w) => '-'.repeat(w))), ...rows.map((r) => line(keys.map((k) => r[k])))].join('\n');
}
