#!/usr/bin/env node
// Keeps the benchmarks' broker (BENCH_KAFKA_BROKERS, default 127.0.0.1:19092) running until Ctrl-C,
// so several benchmark runs in a row do not each pay for a broker start.
import { BENCH_BROKERS, ensureBenchKafka } from './lib/kafka.mjs';

const kafka = await ensureBenchKafka();
process.stderr.write(`[kafka] ${BENCH_BROKERS} ${kafka.started ? 'started' : 'was already running'}; Ctrl-C stops it\n`);
const stop = async () => {
  await kafka.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => undefined, 1 << 30);
