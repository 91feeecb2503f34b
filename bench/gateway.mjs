#!/usr/bin/env node
// Gateway ingest against a bare endpoint that puts the same messages on Kafka with the same acks.
// Single events and batches of 100, alternating system and baselines, all in one run.
//
//   node bench/gateway.mjs            (after `npm run build`; or `npm run bench -- gateway`)
//   BENCH_SECONDS=15 BENCH_CONCURRENCY=32 BENCH_ROUNDS=2
import { eventStream } from './lib/events.mjs';
import { runLoad } from './lib/load.mjs';
import { summariseProfiles } from './lib/profile.mjs';
import { log, machine, median, REPO_ROOT, saveResults, startEnvironment, startProcess, table } from './lib/stack.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
/** BENCH_PROFILE=1: one more batch run of the gateway under `node --cpu-prof`, summarised. */
const PROFILE = process.env.BENCH_PROFILE === '1';
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const MODES = [
  { name: 'single', size: 1, contentType: 'application/cloudevents+json' },
  { name: 'batch100', size: 100, contentType: 'application/cloudevents-batch+json' },
];

const host = machine();
const env = await startEnvironment('gw');
const apiKey = await env.addSource('bench');
const next = eventStream({ tag: env.tag, accounts: 5000, seed: 42 });
const bodyOf = (size) => () => {
  if (size === 1) return { body: JSON.stringify(next()), events: 1 };
  return { body: JSON.stringify(Array.from({ length: size }, next)), events: size };
};

const systems = {
  gateway: () => startProcess('gateway', { ...env.env, GATEWAY_RATE_LIMIT_PER_SECOND: '1000000', GATEWAY_RATE_LIMIT_BURST: '1000000' }),
  'bare (concurrent sends)': () => startProcess('bare', { ...env.env, BARE_MODE: 'concurrent' }, { script: `${REPO_ROOT}/bench/baseline/bare-endpoint.mjs` }),
  'bare (serialised idempotent)': () => startProcess('bare', { ...env.env, BARE_MODE: 'serialised' }, { script: `${REPO_ROOT}/bench/baseline/bare-endpoint.mjs` }),
};

const runs = [];
let profile = null;
try {
  for (const mode of MODES) {
    for (let round = 0; round < ROUNDS; round++) {
      for (const [system, start] of Object.entries(systems)) {
        const service = await start();
        const before = await env.messageCount(env.topics.events);
        const cpuBefore = service.cpuSeconds();
        const result = await runLoad({
          url: `${service.url}/v1/events`,
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': mode.contentType },
          makeBody: bodyOf(mode.size),
          concurrency: CONCURRENCY,
          durationMs: SECONDS * 1000,
        });
        const cpu = service.cpuSeconds() - cpuBefore;
        const memory = service.memory();
        await service.stop();
        const onKafka = (await env.messageCount(env.topics.events)) - before;
        log(`${mode.name} round ${round + 1} ${system}: ${result.eventsPerSecond} events/s, p99 ${result.latencyMs.p99} ms, ${JSON.stringify(result.statuses)}, peak RSS ${memory.peakMb} MB, cpu ${cpu.toFixed(1)} s, ${onKafka} on Kafka`);
        runs.push({ mode: mode.name, round, system, ...result, peakRssMb: memory.peakMb, cpuSeconds: Number(cpu.toFixed(1)), onKafka });
      }
    }
  }
  if (PROFILE) {
    const dir = `/tmp/forewarn-gateway-profile-${Date.now()}`;
    const service = await startProcess('gateway', { ...env.env, GATEWAY_RATE_LIMIT_PER_SECOND: '1000000', GATEWAY_RATE_LIMIT_BURST: '1000000' }, { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
    await runLoad({ url: `${service.url}/v1/events`, headers: { authorization: `Bearer ${apiKey}`, 'content-type': MODES[1].contentType }, makeBody: bodyOf(100), concurrency: CONCURRENCY, durationMs: SECONDS * 1000 });
    await service.stop();
    profile = summariseProfiles(dir);
    process.stdout.write(`\nGateway CPU profile (batches of 100), self time:\n${table(profile.byPackage)}\n\n${table(profile.byFunction)}\n`);
  }
} finally {
  await env.close();
}

const rows = [];
for (const mode of MODES) {
  const of = (system) => runs.filter((r) => r.mode === mode.name && r.system === system);
  const bare = median(of('bare (concurrent sends)').map((r) => r.eventsPerSecond));
  for (const system of Object.keys(systems)) {
    const list = of(system);
    const eps = median(list.map((r) => r.eventsPerSecond));
    rows.push({
      mode: mode.name,
      system,
      'events/s (median)': eps,
      'requests/s': median(list.map((r) => r.requestsPerSecond)),
      'p50 ms': median(list.map((r) => r.latencyMs.p50)),
      'p99 ms': median(list.map((r) => r.latencyMs.p99)),
      'vs bare': Number((eps / bare).toFixed(2)),
      'peak RSS MB': Math.max(...list.map((r) => r.peakRssMb ?? 0)),
    });
  }
}
process.stdout.write(`\n${table(rows)}\n`);
saveResults(PROFILE ? 'gateway-profile' : 'gateway', { machine: host, settings: { SECONDS, CONCURRENCY, ROUNDS, PROFILE }, rows, runs, profile });
