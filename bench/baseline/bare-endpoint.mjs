#!/usr/bin/env node
// Baseline for the gateway benchmark: the least an HTTP endpoint can do to put the same messages
// on Kafka with the same acknowledgement (acks -1). Plain node:http, JSON.parse, a key per event,
// JSON.stringify, one producer send per request, 202 with the ids. No auth, no validation.
//
// BARE_MODE=concurrent  (default) a plain producer, sends from concurrent requests in flight together;
// BARE_MODE=serialised  an idempotent producer with one send at a time, as the gateway's Publisher does.
import { createServer } from 'node:http';
import { CompressionTypes, Kafka, logLevel, Partitioners } from 'kafkajs';

const mode = process.env.BARE_MODE ?? 'concurrent';
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

const keyOf = (e) => e?.data?.account?.id ?? e?.data?.id ?? 'unknown';

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
      await send(events.map((e) => ({ key: keyOf(e), value: JSON.stringify({ ...e, source: '/sources/bench' }) })));
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
