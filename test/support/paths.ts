import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');
/** Tests share one broker and isolate themselves by topic prefix. */
export const TEST_KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

/**
 * Where browser tests put their screenshots: `docs/screenshots` when refreshing the documented
 * ones (`npm run screenshots`), a temporary folder otherwise, so `npm test` never dirties the tree.
 */
export const SCREENSHOT_DIR = process.env.FOREWARN_SCREENSHOTS === '1' ? join(REPO_ROOT, 'docs', 'screenshots') : join(tmpdir(), 'forewarn-screenshots');
