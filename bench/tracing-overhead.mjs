// What tracing adds to the gateway's per-request work, measured in one process, rounds alternating
// with tracing off (as before: no server span, no traceparent, no log mixin) and on (as the
// services run: a server span per request, the traceparent on each Kafka message, trace_id on
// the request's log line; nothing exported). Each simulated request runs in an AsyncLocalStorage
// as nestjs-pino's does, awaits a chain of promises as a handler does (each async hop carries the
// trace context), encodes a batch of events and writes its request line through the redaction hook.
// Then the same for account-health's batch transport (the real KafkaBatchServer over a stand-in
// for the kafkajs consumer, and a handler that does nothing): reading each message's traceparent,
// the batch span and its links.
//
//   npm run build --silent && node bench/tracing-overhead.mjs [requests per round] [events per request] [messages per batch]
import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';

const require = createRequire(import.meta.url);
const dist = new URL('../dist/libs/', import.meta.url).pathname;
const { loadTelemetryConfig } = require(`${dist}config/src`);
const { startTelemetry, stopTelemetry, httpTracing, traceLogFields, redactLogLine } = require(`${dist}service-kit/src`);
const { eventMessage, KafkaBatchServer } = require(`${dist}messaging/src`);
const pino = require('pino');

const REQUESTS = Number(process.argv[2] ?? 20_000);
const EVENTS = Number(process.argv[3] ?? 1);
const BATCH = Number(process.argv[4] ?? 500);
const ROUNDS = 6;
const ASYNC_HOPS = 40; // promises a request awaits on its way through guards, body reading and the publisher

const events = Array.from({ length: EVENTS }, (_, i) => ({
  specversion: '1.0', id: `bench-${i}`, source: '/sources/helpdesk', type: 'forewarn.case.escalated', time: new Date().toISOString(),
  data: { account: { id: 'acme' }, case: { id: 'ZD-4711', title: 'Checkout down', severity: 1, escalationLevel: 2 } },
}));
const nowhere = new Writable({ write: (_chunk, _encoding, done) => done() });
const requestStore = new AsyncLocalStorage(); // nestjs-pino's, present either way

function loggerFor(traced) {
  return pino({ base: { service: 'gateway' }, hooks: { streamWrite: redactLogLine }, ...(traced ? { mixin: traceLogFields } : {}) }, nowhere);
}

async function handle(logger) {
  for (let i = 0; i < ASYNC_HOPS; i++) await Promise.resolve();
  const messages = events.map((event) => eventMessage(event, 'corr-1'));
  logger.info({ req: { method: 'POST', url: '/v1/events' }, res: { statusCode: 202 }, responseTime: 1, msg: 'request completed' });
  return messages;
}

async function oneRequest(tracing, logger) {
  const request = { method: 'POST', headers: { 'content-type': 'application/cloudevents+json', 'user-agent': 'bench' }, route: { path: '/v1/events' }, baseUrl: '' };
  const response = Object.assign(new EventEmitter(), { statusCode: 202, writableFinished: true });
  await new Promise((resolve, reject) => {
    const next = () => requestStore.run({ id: 1 }, () => handle(logger).then(resolve, reject));
    if (tracing) tracing(request, response, next);
    else next();
  });
  response.emit('finish');
}

async function round(traced) {
  if (traced) startTelemetry('gateway', loadTelemetryConfig({}));
  const tracing = traced ? httpTracing() : null;
  const logger = loggerFor(traced);
  // CPU time, not wall time: the machine is shared, and what tracing costs is CPU.
  const started = process.cpuUsage();
  for (let i = 0; i < REQUESTS; i++) await oneRequest(tracing, logger);
  const used = process.cpuUsage(started);
  const nsPerRequest = ((used.user + used.system) * 1000) / REQUESTS;
  if (traced) await stopTelemetry();
  return nsPerRequest;
}

/** The batch transport over a stand-in consumer: returns what kafkajs would call for each batch. */
async function batchTransport() {
  let eachBatch;
  const consumer = {
    events: { CRASH: 'consumer.crash' }, on: () => undefined, connect: async () => undefined, subscribe: async () => undefined,
    run: async (config) => void (eachBatch = config.eachBatch), disconnect: async () => undefined,
  };
  const server = new KafkaBatchServer({
    kafka: { consumer: () => consumer }, groupId: 'bench.account-health', topics: { 'events.v1': 'bench.events.v1' }, dlqTopic: 'bench.dlq.v1',
    publisher: { publish: async () => undefined }, dependenciesHealthy: async () => true,
  });
  server.addHandler('events.v1', async () => ({ rejected: [] }), true);
  await new Promise((resolve, reject) => void server.listen((error) => (error ? reject(error) : resolve())));
  return eachBatch;
}

const hex = (n, width) => n.toString(16).padStart(width, '0');
const batchMessages = Array.from({ length: BATCH }, (_, i) => ({
  offset: String(i), key: Buffer.from('acme'), value: Buffer.from('{}'), timestamp: '1764000000000', attributes: 0,
  headers: { 'forewarn-correlation-id': Buffer.from('corr-1'), ce_type: Buffer.from('forewarn.case.escalated'), traceparent: Buffer.from(`00-${hex(i + 1, 32)}-${hex(i + 1, 16)}-01`) },
}));

async function batchRound(traced, eachBatch) {
  if (traced) startTelemetry('account-health', loadTelemetryConfig({}));
  const payload = {
    batch: { topic: 'bench.events.v1', partition: 0, messages: batchMessages, highWatermark: String(BATCH), lastOffset: () => String(BATCH - 1) },
    resolveOffset: () => undefined, commitOffsetsIfNecessary: async () => undefined, heartbeat: async () => undefined, isRunning: () => true, isStale: () => false,
  };
  const batches = Math.max(20, Math.round(200_000 / BATCH));
  const started = process.cpuUsage();
  for (let i = 0; i < batches; i++) await eachBatch(payload);
  const used = process.cpuUsage(started);
  if (traced) await stopTelemetry();
  return ((used.user + used.system) * 1000) / batches;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const us = (ns) => (ns / 1000).toFixed(2);
async function compare(title, unit, measure) {
  await measure(false); // warm up both paths
  await measure(true);
  const off = [];
  const on = [];
  for (let i = 0; i < ROUNDS; i++) {
    off.push(await measure(false));
    on.push(await measure(true));
  }
  console.log(`${title}, ${ROUNDS} rounds alternating; CPU µs per ${unit} (median, all rounds)`);
  console.log(`  tracing off: ${us(median(off))}  [${off.map(us).join(' ')}]`);
  console.log(`  tracing on:  ${us(median(on))}  [${on.map(us).join(' ')}]`);
  console.log(`  added:       ${us(median(on) - median(off))} µs per ${unit}`);
}

await compare(`gateway: ${REQUESTS} requests per round, ${EVENTS} event(s) each`, 'request', round);
const eachBatch = await batchTransport();
await compare(`batch transport: batches of ${BATCH} messages, each from a trace of its own`, 'batch', (traced) => batchRound(traced, eachBatch));
