import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity across systems (issue 14):
 *
 * - `health.account_references`: e-mail domains and sources' external ids an admin mapped to an
 *   account (`forewarn.account.reference_added`), kept apart from the CRM's own lists so that the
 *   next `account.upserted` does not drop them; events resolve by them as by the account's own.
 * - `health.account_domains` (the view the notifier and the gateway's calendar poller read) also
 *   lists the mapped domains: they are the customer's too.
 * - `health.unmapped_events`: the events no account claims yet, as admin tools list them (grouped,
 *   with sample cases), so they need not read the event store.
 * - Indexes for events that inherit their account from earlier events of the same case: cases by
 *   id, and unmapped events by source and case (small: only unmapped events are in it).
 */
export class AccountReferences1765150000002 implements MigrationInterface {
  name = 'AccountReferences1765150000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE health.account_references (
        account_id  text NOT NULL,
        kind        text NOT NULL CHECK (kind IN ('domain', 'external')),
        source      text NOT NULL DEFAULT '',
        value       text NOT NULL,
        added_at    timestamptz NOT NULL,
        added_by    text,
        PRIMARY KEY (kind, source, value, account_id)
      )`);
    await q.query(`CREATE INDEX account_references_by_account ON health.account_references (account_id)`);
    await q.query(`
      CREATE OR REPLACE VIEW health.account_domains AS
      SELECT id AS account_id, domains FROM health.accounts
      UNION ALL
      SELECT r.account_id, array_agg(r.value ORDER BY r.value) FROM health.account_references r
      WHERE r.kind = 'domain' AND NOT EXISTS (SELECT 1 FROM health.accounts a WHERE a.id = r.account_id AND r.value = ANY (a.domains))
      GROUP BY r.account_id`);
    await q.query(`
      CREATE VIEW health.unmapped_events AS
      SELECT source, id, type, account_key, time, payload->'data'->'account' AS account, subject_id AS case_id,
             CASE WHEN type LIKE 'forewarn.case.%' OR type = 'forewarn.survey.responded' THEN payload->'data'->'case'->>'title' END AS case_title
      FROM health.events WHERE account_id IS NULL`);
    await q.query(`CREATE INDEX cases_by_id ON health.cases (id)`);
    await q.query(`CREATE INDEX events_unmapped_by_subject ON health.events (source, subject_id) WHERE account_id IS NULL AND subject_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX health.events_unmapped_by_subject`);
    await q.query(`DROP INDEX health.cases_by_id`);
    await q.query(`DROP VIEW health.unmapped_events`);
    await q.query(`DROP VIEW health.account_domains`);
    await q.query(`CREATE VIEW health.account_domains AS SELECT id AS account_id, domains FROM health.accounts`);
    await q.query(`DROP TABLE health.account_references`);
  }
}
