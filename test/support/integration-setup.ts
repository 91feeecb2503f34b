import { ensurePostgres } from './global-setup';

/** The middle test layer needs PostgreSQL only: no Kafka, no browser. */
export default async function integrationSetup(): Promise<void> {
  await ensurePostgres((msg) => process.stderr.write(`[integration setup] ${msg}\n`));
}
