#!/usr/bin/env node
// Baseline for the pipeline benchmark: kafkajs consuming the same topic and doing nothing with
// the messages — fetch, resolve, commit. The ceiling a Node consumer on this machine can reach.
import { createServer } from 'node:http';
import { Kafka, logLevel } from 'kafkajs';

const kafka = new Kafka({ clientId: 'bench-raw', brokers: process.env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId: `${process.env.FOREWARN_TOPIC_PREFIX}raw`, maxBytesPerPartition: 4 * 1024 * 1024 });
await consumer.connect();
await consumer.subscribe({ topics: [`${process.env.FOREWARN_TOPIC_PREFIX}events.v1`], fromBeginning: true });
await consumer.run({
  eachBatchAutoResolve: false,
  eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary }) => {
    resolveOffset(batch.lastOffset());
    await commitOffsetsIfNecessary();
  },
});
createServer((req, res) => res.writeHead(200).end('{"status":"ok"}')).listen(Number(process.env.PORT), '127.0.0.1');
const stop = async () => {
  await consumer.disconnect();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
