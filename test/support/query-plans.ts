import type { TxHost } from '@forewarn/database';
import type { DataSource } from 'typeorm';

/**
 * The plans PostgreSQL makes for each statement `work` sends through the host it is given, when it
 * may not scan whole tables (`enable_seqscan = off`): whether the SQL can reach the indexes meant
 * for it at all, on a test's few rows. Nothing runs: each statement is only explained (and answers
 * no rows), in a transaction rolled back after.
 */
export async function plansOf(db: DataSource, work: (host: TxHost) => Promise<unknown>): Promise<string[]> {
  const plans: string[] = [];
  const runner = db.createQueryRunner();
  await runner.startTransaction();
  try {
    await runner.query('SET LOCAL enable_seqscan = off');
    const explaining = { tx: { query: async (sql: string, params: unknown[]) => {
      plans.push(((await runner.query(`EXPLAIN ${sql}`, params)) as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']).join('\n'));
      return [];
    } } };
    await work(explaining as unknown as TxHost);
  } finally {
    await runner.rollbackTransaction();
    await runner.release();
  }
  return plans;
}
