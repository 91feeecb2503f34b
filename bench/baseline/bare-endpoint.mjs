#!/usr/bin/env node
// Baseline for the gateway benchmark: the least an HTTP endpoint can do to put the same messages
// on Kafka with the same acknowledgement (acks -1). Plain node:http, JSON.parse, per event the
// gateway's key, its stamped value and its four headers (the request's trace in `traceparent`, as
// the gateway's tracing puts it on every message), one producer send per request, 202 with
// the ids. No auth, no validation, no framework.
//
// BARE_MODE=concurrent  (default) a plain producer, sends from concurrent requests in flight together;
// BARE_MODE=serialised  an idempotent producer with one send at a time, as the gateway's Publisher does.
// BARE_MESSAGES=same      (default) the gateway's messages: same key, stamped value and headers;
// BARE_MESSAGES=headerless the baseline before 2026-12-01 evening: no headers, value `{ ...event, source }`
//                          (kept to compare with the figures measured against it).
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { CompressionTypes, Kafka, logLevel, Partitioners } from 'kafkajs';

const mode = process.env.BARE_MODE ?? 'concurrent';
const headerless = process.env.BARE_MESSAGES === 'headerless';
const topic = `${process.env.FOREWARN_TOPIC_PREFIX}events.v1`;
const kafka = new Kafka({ clientId: 'bench-bare', brokers: process.env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
const producer = kafka.producer(
  mode === 'serialised'
    ? { idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner }
    : { allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner },
);
await producer.connect();

let queue = Promise.resolve();
const send = (messages) => {
  const run = () => producer.send({ topic, acks: -1, compression: CompressionTypes.None, messages });
  if (mode !== 'serialised') return run();
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
};

// The bench registers one source, "bench"; the gateway stamps its authenticated source name.
const SOURCE = '/sources/bench';

/** The gateway's partition key (`accountKeyOf` in libs/contracts), without its types or checks. */
const keyOf = (e) => {
  if (e.type === 'forewarn.account.upserted') return e.data.id;
  const ref = e.data.account;
  if (ref.id) return ref.id;
  if (ref.domain) return `domain:${ref.domain}`;
  return `external:${ref.externalId}`;
};

/** The gateway's stamped event (`stampEvent` in libs/contracts): same attributes, same order, no checks. */
const stamped = (e, receivedAt) => {
  const event = { specversion: e.specversion, id: e.id, source: SOURCE, type: e.type, time: e.time ?? receivedAt, forewarnreceivedat: receivedAt, data: e.data };
  for (const key in e) if (!(key in event)) event[key] = e[key];
  return event;
};

const messagesOf = (events, correlationId) => {
  if (headerless) return events.map((e) => ({ key: e?.data?.account?.id ?? e?.data?.id ?? 'unknown', value: JSON.stringify({ ...e, source: SOURCE }) }));
  const receivedAt = new Date().toISOString();
  // One trace per request, as the gateway's: its W3C traceparent on each message.
  const traceparent = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
  return events.map((e) => ({
    key: keyOf(e),
    value: JSON.stringify(stamped(e, receivedAt)),
    headers: { 'forewarn-correlation-id': correlationId, ce_type: e.type, ce_source: SOURCE, traceparent },
  }));
};

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const events = Array.isArray(body) ? body : [body];
      // One correlation id per request, as the gateway: the caller's X-Request-Id or a new UUID.
      await send(messagesOf(events, String(req.headers['x-request-id'] ?? randomUUID())));
      res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: events.length, ids: events.map((e) => e.id) }));
    } catch (error) {
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(error) }));
    }
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
const stop = async () => {
  server.close();
  await producer.disconnect();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
