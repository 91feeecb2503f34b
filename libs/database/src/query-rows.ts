/** Anything that runs SQL: a DataSource, an EntityManager or a QueryRunner. */
export interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * Runs a statement and returns its rows. TypeORM's PostgreSQL driver answers `UPDATE … RETURNING`
 * and `DELETE … RETURNING` with `[rows, affectedCount]` but `SELECT` and `INSERT … RETURNING` with
 * the rows alone; this hides the difference.
 */
export async function queryRows<T>(runner: SqlRunner, sql: string, parameters?: unknown[]): Promise<T[]> {
  const result = await runner.query(sql, parameters);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
