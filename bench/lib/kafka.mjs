// A Kafka broker of the benchmarks' own (default 127.0.0.1:19092), so a benchmark neither shares a
// broker with the end-to-end tests that other people run on this machine nor stops theirs.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const dist = (path) => require(join(REPO_ROOT, 'dist', path));

export const BENCH_BROKERS = process.env.BENCH_KAFKA_BROKERS ?? '127.0.0.1:19092';

/** Starts the broker when none answers; `stop()` stops it only if this call started it. */
export async function ensureBenchKafka(brokers = BENCH_BROKERS, log = (m) => process.stderr.write(`[kafka] ${m}\n`)) {
  const { ensureKafka } = dist('libs/devstack/src/index.js');
  return ensureKafka({ brokers, repoRoot: REPO_ROOT, log, heapMb: Number(process.env.BENCH_KAFKA_HEAP_MB ?? 1024) });
}
