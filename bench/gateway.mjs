#!/usr/bin/env node
// Gateway ingest against a bare endpoint that puts the same messages on Kafka with the same acks
// (same key, stamped value and headers). Single events and batches of 100, alternating system and
// baselines, all in one run.
//
//   node bench/gateway.mjs            (after `npm run build`; or `npm run bench -- gateway`)
//   BENCH_SECONDS=15 BENCH_CONCURRENCY=32 BENCH_ROUNDS=2
//   BENCH_HEADERLESS_BARE=1           also the bare endpoint as it was before 2026-12-01 evening
//                                     (no headers, unstamped value), to compare with older figures
//   BENCH_BEFORE=<checkout>           also the gateway as built in another checkout (dist/ built,
//                                     e.g. a worktree of the base commit), for a same-run before/after
//   BENCH_GATEWAY_NODE_ARGS="…"       also the gateway with these Node.js options (e.g. a heap
//                                     ceiling), to see what they do to memory and CPU in the same run
import { eventStream } from './lib/events.mjs';
import { runLoad } from './lib/load.mjs';
import { summariseProfiles } from './lib/profile.mjs';
import { log, machine, median, REPO_ROOT, saveResults, startEnvironment, startProcess, table } from './lib/stack.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
/** BENCH_PROFILE=1: one more run of the gateway per mode under `node --cpu-prof`, summarised. */
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

const gatewayEnv = { ...env.env, GATEWAY_RATE_LIMIT_PER_SECOND: '1000000', GATEWAY_RATE_LIMIT_BURST: '1000000' };
const BARE_SCRIPT = `${REPO_ROOT}/bench/baseline/bare-endpoint.mjs`;
const bare = (mode, messages = 'same') => () => startProcess('bare', { ...env.env, BARE_MODE: mode, BARE_MESSAGES: messages }, { script: BARE_SCRIPT });
/** The reference every "vs bare" is against: the gateway's messages, concurrent sends. */
const REFERENCE = 'bare (concurrent sends)';
const HEADERLESS = 'bare (concurrent, header-less, old)';
const systems = {
  gateway: () => startProcess('gateway', gatewayEnv),
  ...(process.env.BENCH_BEFORE ? { 'gateway (before)': () => startProcess('gateway', gatewayEnv, { root: process.env.BENCH_BEFORE }) } : {}),
  ...(process.env.BENCH_GATEWAY_NODE_ARGS
    ? { [`gateway ${process.env.BENCH_GATEWAY_NODE_ARGS}`]: () => startProcess('gateway', gatewayEnv, { nodeArgs: process.env.BENCH_GATEWAY_NODE_ARGS.split(' ').filter(Boolean) }) }
    : {}),
  [REFERENCE]: bare('concurrent'),
  'bare (serialised idempotent)': bare('serialised'),
  ...(process.env.BENCH_HEADERLESS_BARE === '1' ? { [HEADERLESS]: bare('concurrent', 'headerless') } : {}),
};

const runs = [];
let profile = null;
let profileSingle = null;
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
    // Batches first (`profile`, as before), then single events (`profileSingle`).
    for (const mode of [MODES[1], MODES[0]]) {
      const dir = `/tmp/forewarn-gateway-profile-${Date.now()}`;
      const service = await startProcess('gateway', gatewayEnv, { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
      await runLoad({ url: `${service.url}/v1/events`, headers: { authorization: `Bearer ${apiKey}`, 'content-type': mode.contentType }, makeBody: bodyOf(mode.size), concurrency: CONCURRENCY, durationMs: SECONDS * 1000 });
      await service.stop();
      const summary = summariseProfiles(dir);
      if (mode.size === 1) profileSingle = summary;
      else profile = summary;
      process.stdout.write(`\nGateway CPU profile (${mode.name}), self time:\n${table(summary.byPackage)}\n\n${table(summary.byFunction)}\n`);
    }
  }
} finally {
  await env.close();
}

const rows = [];
for (const mode of MODES) {
  const of = (system) => runs.filter((r) => r.mode === mode.name && r.system === system);
  const reference = median(of(REFERENCE).map((r) => r.eventsPerSecond));
  const headerless = of(HEADERLESS).length > 0 ? median(of(HEADERLESS).map((r) => r.eventsPerSecond)) : null;
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
      'vs bare': Number((eps / reference).toFixed(2)),
      ...(headerless ? { 'vs header-less bare': Number((eps / headerless).toFixed(2)) } : {}),
      'cpu µs/event': Math.round(median(list.map((r) => (r.cpuSeconds * 1e6) / (r.eventsPerSecond * SECONDS)))),
      'peak RSS MB': Math.max(...list.map((r) => r.peakRssMb ?? 0)),
    });
  }
}
process.stdout.write(`\n${table(rows)}\n`);
// BENCH_RESULTS names the file (default gateway.json; the profile, if any, is in it too).
const settings = { SECONDS, CONCURRENCY, ROUNDS, PROFILE, baseline: 'the gateway\'s messages: same key, stamped value and 4 headers (traceparent included)', headerlessBare: process.env.BENCH_HEADERLESS_BARE === '1', gatewayBefore: process.env.BENCH_BEFORE ?? null, gatewayNodeArgs: process.env.BENCH_GATEWAY_NODE_ARGS ?? null };
saveResults(process.env.BENCH_RESULTS ?? 'gateway', { machine: host, settings, rows, runs, profile, profileSingle });
