import { isTransientDatabaseError } from '@forewarn/service-kit';
import { queryPrepared, TxHost } from '@forewarn/database';
import { QueryFailedError } from 'typeorm';
import { type IntegrationApp, integrationApp } from '../support/integration';

const BY_TEAM = 'SELECT id FROM it_accounts WHERE team = $1 ORDER BY id';

describe('prepared statements (queryPrepared) through the unit of work, against PostgreSQL', () => {
  let it_: IntegrationApp;
  let txHost: TxHost;

  beforeAll(async () => {
    it_ = await integrationApp('prepared-query', {});
    txHost = it_.app.get(TxHost);
    await it_.db.query('CREATE TABLE it_accounts (id text PRIMARY KEY, team text NOT NULL)');
    await it_.db.query(`INSERT INTO it_accounts SELECT 'acct-' || lpad(n::text, 4, '0'), 'team-' || (n % 10) FROM generate_series(1, 2000) n`);
    await it_.db.query('CREATE INDEX it_accounts_team ON it_accounts (team)');
    await it_.db.query('ANALYZE it_accounts');
  });

  afterAll(async () => {
    await it_?.close();
  });

  it('answers as the same query sent unprepared, on every connection of the pool at once', async () => {
    const expected = (await it_.db.query(BY_TEAM, ['team-3'])) as { id: string }[];
    expect(expected).toHaveLength(200);
    const answers = await Promise.all(Array.from({ length: 12 }, () => queryPrepared<{ id: string }>(txHost.tx, BY_TEAM, ['team-3'])));
    for (const answer of answers) expect(answer).toEqual(expected);
    expect(await queryPrepared(txHost.tx, BY_TEAM, ['team-4'])).toHaveLength(200);
  });

  it('is prepared once on its connection, and after a few runs PostgreSQL stops planning it', async () => {
    const statements = await txHost.withTransaction(async () => {
      for (let run = 0; run < 8; run++) expect(await queryPrepared(txHost.tx, BY_TEAM, [`team-${run}`])).toHaveLength(200);
      // The transaction's connection: the statement lives there.
      return (await txHost.tx.query('SELECT statement, generic_plans::int, custom_plans::int FROM pg_prepared_statements WHERE statement = $1', [BY_TEAM])) as {
        generic_plans: number; custom_plans: number;
      }[];
    });
    expect(statements).toHaveLength(1);
    expect(statements[0].custom_plans).toBeLessThanOrEqual(5);
    expect(statements[0].generic_plans).toBeGreaterThanOrEqual(3);
  });

  it('runs in the unit of work: it sees the transaction\'s own writes, and nothing of a rolled-back one stays', async () => {
    const failing = txHost.withTransaction(async () => {
      await txHost.tx.query(`INSERT INTO it_accounts VALUES ('acct-new', 'team-new')`);
      expect(await queryPrepared(txHost.tx, BY_TEAM, ['team-new'])).toEqual([{ id: 'acct-new' }]);
      throw new Error('changed my mind');
    });
    await expect(failing).rejects.toThrow('changed my mind');
    expect(await queryPrepared(txHost.tx, BY_TEAM, ['team-new'])).toEqual([]);
  });

  it('fails as any query fails: a TypeORM QueryFailedError with the SQLSTATE, whether the text or a value is wrong, and again the next time', async () => {
    const failure = (text: string, values: unknown[]) =>
      queryPrepared(txHost.tx, text, values).then(
        () => { throw new Error(`expected ${text} to fail`); },
        (e: unknown) => e as QueryFailedError & { driverError: { code: string } },
      );
    for (let attempt = 0; attempt < 2; attempt++) {
      // A text PostgreSQL cannot prepare (no text = int operator), then a value it cannot bind.
      const badText = await failure('SELECT id FROM it_accounts WHERE team = $1::int', [1]);
      expect(badText).toBeInstanceOf(QueryFailedError);
      expect(badText.driverError.code).toBe('42883');
      const badValue = await failure('SELECT count(*)::int AS n FROM it_accounts WHERE length(team) > $1::int', ['not a number']);
      expect(badValue).toBeInstanceOf(QueryFailedError);
      expect(badValue.driverError.code).toBe('22P02');
      expect(isTransientDatabaseError(badValue)).toBe(false);
    }
    // The pool carries on, and the statement whose value was wrong works with a right one.
    expect(await queryPrepared(txHost.tx, 'SELECT count(*)::int AS n FROM it_accounts WHERE length(team) > $1::int', [5])).toEqual([{ n: 2000 }]);
    expect(await queryPrepared(txHost.tx, BY_TEAM, ['team-1'])).toHaveLength(200);
  });
});
