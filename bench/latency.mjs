#!/usr/bin/env node
// Alert latency: from the gateway's 202 to the SMTP sink receiving the mail, with grouping set to
// zero (NOTIFY_GROUP_WAIT_MS=0), p50/p95/p99. Baseline in the same run: the same hops with
// nothing in between (HTTP → Kafka → consumer → Kafka → consumer → SMTP, bench/baseline/bare-pipe.mjs).
// Also the peak memory (VmHWM) of every service.
//
//   node bench/latency.mjs     (after `npm run build`; or `npm run bench -- latency`)
//   BENCH_SAMPLES=300 BENCH_INTERVAL_MS=200
import { dist, eventually, log, machine, REPO_ROOT, saveResults, sleep, startEnvironment, startProcess, summary, table } from './lib/stack.mjs';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300);
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 200);
const { startMailSink } = dist('libs/devstack/src/index.js');
const { ensureTopics } = dist('libs/messaging/src/index.js');

const host = machine();
const env = await startEnvironment('lat');
const sink = await startMailSink({ smtpPort: 0, httpPort: 0, max: 100_000 });
const results = {};
const memory = {};

const story = (tag, i) => {
  const id = `lat-${tag}-${i}`;
  const time = (offset) => new Date(Date.now() - 60_000 + offset).toISOString();
  return {
    id,
    upsert: { specversion: '1.0', id: `${id}-u`, type: 'forewarn.account.upserted', time: time(0), data: { id, name: `Latency ${i}`, owner: { name: 'Owner', email: `owner.${i}@lat.example` }, team: 'bench' } },
    worsening: [
      { specversion: '1.0', id: `${id}-1`, type: 'forewarn.case.opened', time: time(1000), data: { account: { id }, case: { id: `L-${i}`, title: 'Checkout down', severity: 1, status: 'open', escalationLevel: 2 } } },
      { specversion: '1.0', id: `${id}-2`, type: 'forewarn.case.resolution_rejected', time: time(2000), data: { account: { id }, case: { id: `L-${i}` }, reason: 'Not acceptable' } },
    ],
  };
};

/** Open loop: one sample every INTERVAL_MS; latency = sink arrival − 202, first mail per account. */
async function measure(name, url, apiKey, tag) {
  const stories = Array.from({ length: SAMPLES }, (_, i) => story(tag, i));
  const headers = { 'content-type': 'application/cloudevents-batch+json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) };
  const post = (body) => fetch(`${url}/v1/events`, { method: 'POST', headers, body: JSON.stringify(body) });
  // Accounts first, and wait until they are known.
  for (let i = 0; i < stories.length; i += 100) {
    const answer = await post(stories.slice(i, i + 100).map((s) => s.upsert));
    if (answer.status !== 202) throw new Error(`${name}: upserts got ${answer.status} ${await answer.text()}`);
  }
  if (apiKey) await eventually('the accounts to be projected', async () => (await env.db.query('SELECT count(*)::int AS n FROM health.accounts WHERE id LIKE $1', [`lat-${tag}-%`]))[0].n === SAMPLES, { timeoutMs: 120_000, intervalMs: 200 });
  else await sleep(2_000);

  const acceptedAt = new Map();
  const latencies = [];
  const seen = new Set(sink.messages().map((m) => m.id));
  const watch = setInterval(() => {
    for (const m of sink.messages()) {
      if (seen.has(m.id)) continue;
      seen.add(m.id);
      const account = m.headers['x-forewarn-account'];
      const t0 = acceptedAt.get(account);
      if (t0 !== undefined) {
        latencies.push(Date.parse(m.receivedAt) - t0);
        acceptedAt.delete(account);
      }
    }
  }, 5);
  const started = Date.now();
  const inflight = [];
  for (let i = 0; i < SAMPLES; i++) {
    const s = stories[i];
    inflight.push(post(s.worsening).then(async (answer) => {
      const at = Date.now();
      if (answer.status !== 202) throw new Error(`${name}: got ${answer.status} ${await answer.text()}`);
      acceptedAt.set(s.id, at);
    }));
    await sleep(Math.max(0, started + (i + 1) * INTERVAL_MS - Date.now()));
  }
  await Promise.all(inflight);
  await eventually(`${name}: every mail`, async () => latencies.length >= SAMPLES, { timeoutMs: 120_000, intervalMs: 100 }).catch(() => undefined);
  clearInterval(watch);
  const s = summary(latencies);
  return { samples: s.n, missing: SAMPLES - s.n, p50: s.p50, p95: s.p95, p99: s.p99, max: s.max };
}

const cpuPerAlertMs = {};
try {
  // Forewarn.
  const apiKey = await env.addSource('bench');
  // The latency accounts' reps are ours: only internal people receive mail (FOREWARN_INTERNAL_DOMAINS).
  const serviceEnv = { ...env.env, FOREWARN_INTERNAL_DOMAINS: 'lat.example', SMTP_URL: `smtp://127.0.0.1:${sink.smtpPort}`, NOTIFY_GROUP_WAIT_MS: '0', NOTIFY_QUIET_HOURS: 'off', DIGEST_CHECK_MS: '86400000', GATEWAY_RATE_LIMIT_PER_SECOND: '100000' };
  const services = {};
  for (const name of ['account-health', 'notifier', 'gateway']) services[name] = await startProcess(name, serviceEnv);
  log(`Forewarn: ${SAMPLES} alerts, one every ${INTERVAL_MS} ms`);
  const cpuBefore = Object.fromEntries(Object.entries(services).map(([name, s]) => [name, s.cpuSeconds()]));
  results.forewarn = await measure('forewarn', services.gateway.url, apiKey, 'fw');
  for (const [name, s] of Object.entries(services)) {
    memory[name] = s.memory();
    // CPU per alert while it ran (each alert: one event in, one decision, one mail out), for sizing.
    cpuPerAlertMs[name] = Number((((s.cpuSeconds() - cpuBefore[name]) * 1000) / SAMPLES).toFixed(2));
  }
  await Promise.all(Object.values(services).map((s) => s.stop()));
  log(`Forewarn: ${JSON.stringify(results.forewarn)}`);

  // The bare pipe, on topics of its own.
  const prefix = `${env.prefix}bare.`;
  await ensureTopics(env.kafka, prefix);
  const bare = await startProcess('bare-pipe', { ...env.env, FOREWARN_TOPIC_PREFIX: prefix, SMTP_URL: `smtp://127.0.0.1:${sink.smtpPort}` }, { script: `${REPO_ROOT}/bench/baseline/bare-pipe.mjs` });
  await sleep(3_000); // both consumers joined
  results.bare = await measure('bare pipe', bare.url, null, 'bare');
  memory['bare pipe'] = bare.memory();
  await bare.stop();
  log(`bare pipe: ${JSON.stringify(results.bare)}`);
} finally {
  await sink.stop();
  await env.close();
}

const rows = Object.entries(results).map(([system, r]) => ({
  system: system === 'forewarn' ? 'Forewarn (gateway → account-health → notifier)' : 'bare pipe (same hops, no work)',
  samples: r.samples,
  'p50 ms': r.p50,
  'p95 ms': r.p95,
  'p99 ms': r.p99,
  'max ms': r.max,
  'p50 vs bare': results.bare?.p50 ? Number((r.p50 / results.bare.p50).toFixed(1)) : '',
  'p99 vs bare': results.bare?.p99 ? Number((r.p99 / results.bare.p99).toFixed(1)) : '',
}));
process.stdout.write(`\n${table(rows)}\n\npeak RSS (VmHWM) during the run, and CPU per alert (ms):\n${table(Object.entries(memory).map(([name, m]) => ({ process: name, 'peak MB': m.peakMb, 'RSS at end MB': m.rssMb, 'CPU ms per alert': cpuPerAlertMs[name] ?? '' })))}\n`);
saveResults(process.env.BENCH_RESULTS ?? 'latency', { machine: host, settings: { SAMPLES, INTERVAL_MS }, rows, results, memory, cpuPerAlertMs });
