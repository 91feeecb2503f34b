import { openDatabase } from '@forewarn/database';
import type { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase, testTag } from '../support/services';

/** The data source every service opens: its session settings reach every connection of the pool. */
describe('the data source', () => {
  let database: TestDatabase;
  let dataSource: DataSource | undefined;

  beforeAll(async () => {
    database = await createTestDatabase(testTag('data-source'));
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database.drop();
  });

  it('applies its session settings on every connection (account-health turns parallel query off)', async () => {
    dataSource = await openDatabase(database.url, { applicationName: 'forewarn-it-data-source', poolSize: 3, sessionSettings: { max_parallel_workers_per_gather: 0, statement_timeout: '15s' } });
    // Several at once, so that they take several connections of the pool.
    const answers = await Promise.all(Array.from({ length: 6 }, () => dataSource!.query(`SELECT current_setting('max_parallel_workers_per_gather') AS workers, current_setting('statement_timeout') AS timeout, pg_backend_pid() AS pid, pg_sleep(0.05)`)));
    expect(new Set(answers.map(([row]) => row.pid)).size).toBeGreaterThan(1);
    expect(answers.map(([row]) => [row.workers, row.timeout])).toEqual(Array.from({ length: 6 }, () => ['0', '15s']));
  });
});
