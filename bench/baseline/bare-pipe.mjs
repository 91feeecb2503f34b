#!/usr/bin/env node
// Baseline for the alert-latency benchmark: the same hops with nothing in between. An HTTP
// endpoint puts the event on `<prefix>events.v1` (acks -1); a consumer turns each event into a
// message on `<prefix>alerts.v1` (acks -1); a second consumer mails it over SMTP (nodemailer) with
// the same X-Forewarn-Account header. No validation, database, projection, rules or grouping.
import { createServer } from 'node:http';
import { Kafka, logLevel } from 'kafkajs';
import nodemailer from 'nodemailer';

const prefix = process.env.FOREWARN_TOPIC_PREFIX;
const kafka = new Kafka({ clientId: 'bench-bare-pipe', brokers: process.env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
const producer = kafka.producer({ allowAutoTopicCreation: false });
await producer.connect();
const mailer = nodemailer.createTransport({ url: process.env.SMTP_URL, pool: true, maxConnections: 2 }); // as the notifier's Mailer

const debug = process.env.BARE_DEBUG ? (m) => process.stderr.write(`${Date.now()} ${m}\n`) : () => undefined;
const toAlerts = kafka.consumer({ groupId: `${prefix}bare-pipe-events`, maxWaitTimeInMs: 100 });
await toAlerts.connect();
await toAlerts.subscribe({ topic: `${prefix}events.v1`, fromBeginning: false });
await toAlerts.run({
  eachMessage: async ({ message }) => {
    debug(`event ${message.key}`);
    await producer.send({ topic: `${prefix}alerts.v1`, acks: -1, messages: [{ key: message.key, value: message.value }] });
  },
});
const toMail = kafka.consumer({ groupId: `${prefix}bare-pipe-alerts`, maxWaitTimeInMs: 100 });
await toMail.connect();
await toMail.subscribe({ topic: `${prefix}alerts.v1`, fromBeginning: false });
await toMail.run({
  eachMessage: async ({ message }) => {
    const account = String(message.key);
    debug(`alert ${account}`);
    await mailer.sendMail({ from: 'bench@localhost', to: `owner@${account}.example`, subject: `Alert ${account}`, text: 'x', headers: { 'X-Forewarn-Account': account } });
  },
});

const server = createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200).end('{"status":"ok"}');
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const events = [].concat(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    debug('http');
    await producer.send({ topic: `${prefix}events.v1`, acks: -1, messages: events.map((e) => ({ key: e.data.account?.id ?? e.data.id, value: JSON.stringify(e) })) });
    res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: events.length }));
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1');
const stop = async () => {
  await Promise.all([toAlerts.disconnect(), toMail.disconnect()]);
  await producer.disconnect();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
