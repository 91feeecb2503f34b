import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');
/** Tests share one broker and isolate themselves by topic prefix. */
export const TEST_KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
