#!/usr/bin/env node
// Replay: `forewarn replay` rebuilding every projection from N events on `<prefix>events.v1`
// (target: 1M events in under 2 minutes), against raw kafkajs reading the same topic in the same run.
//
//   node bench/replay.mjs      (after `npm run build`; or `npm run bench -- replay`)
//   BENCH_EVENTS=1000000 BENCH_ACCOUNTS=20000
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { eventStream, keyOf } from './lib/events.mjs';
import { cpuSecondsOf, log, machine, memoryOf, REPO_ROOT, saveResults, sleep, startEnvironment, startProcess, table } from './lib/stack.mjs';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 20_000);

const host = machine();
const env = await startEnvironment('replay');
const rows = [];
let summary = null;
try {
  log(`producing ${EVENTS} events over ${ACCOUNTS} accounts`);
  const producer = env.kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const next = eventStream({ tag: env.tag, accounts: ACCOUNTS, seed: 11, source: '/sources/bench' });
  const sends = [];
  for (let i = 0; i < EVENTS; i += 1000) {
    const messages = Array.from({ length: Math.min(1000, EVENTS - i) }, () => {
      const event = next();
      return { key: keyOf(event), value: JSON.stringify(event) };
    });
    sends.push(producer.send({ topic: env.topics.events, acks: -1, messages }));
    if (sends.length >= 8) await sends.shift();
  }
  await Promise.all(sends);
  await producer.disconnect();

  // Raw kafkajs reading everything.
  {
    const startedAt = Date.now();
    const raw = await startProcess('raw', env.env, { script: `${REPO_ROOT}/bench/baseline/raw-consumer.mjs`, waitForHealth: false });
    while ((await env.lag(`${env.prefix}raw`, env.topics.events).catch(() => EVENTS)) > 0) await sleep(200);
    const seconds = (Date.now() - startedAt) / 1000;
    rows.push({ system: 'raw kafkajs (read, no work)', seconds: Number(seconds.toFixed(1)), 'events/s': Math.round(EVENTS / seconds), 'peak RSS MB': raw.memory().peakMb });
    await raw.stop();
  }

  // forewarn replay.
  {
    const startedAt = Date.now();
    const child = spawn(process.execPath, [join(REPO_ROOT, 'dist/apps/forewarn/src/main.js'), 'replay'], { cwd: REPO_ROOT, env: { ...process.env, ...env.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, memoryOf(child.pid).peakMb ?? 0)), 500);
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err = (err + c).slice(-4000)));
    let cpu = 0;
    const cpuSampler = setInterval(() => (cpu = cpuSecondsOf(child.pid) ?? cpu), 500);
    const code = await new Promise((resolve) => child.once('exit', resolve));
    clearInterval(sampler);
    clearInterval(cpuSampler);
    const seconds = (Date.now() - startedAt) / 1000;
    if (code !== 0) throw new Error(`forewarn replay exited with ${code}: ${err}`);
    summary = JSON.parse(out.slice(out.indexOf('{')));
    rows.push({ system: 'forewarn replay', seconds: Number(seconds.toFixed(1)), 'events/s': Math.round(EVENTS / seconds), 'peak RSS MB': peak, 'CPU s': cpu });
  }
} finally {
  await env.close();
}
const raw = rows[0]['events/s'];
for (const r of rows) r['vs raw'] = Number((r['events/s'] / raw).toFixed(3));
process.stdout.write(`\n${EVENTS} events, ${ACCOUNTS} accounts\n${table(rows)}\nreplay summary: ${JSON.stringify(summary)}\n`);
saveResults(process.env.BENCH_RESULTS ?? 'replay', { machine: host, settings: { EVENTS, ACCOUNTS }, rows, summary });
