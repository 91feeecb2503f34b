import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Write-back (issue 17): each open case of an account with the source that reported it (from its
 * events; `/sources/<name>` as the gateway stamps it, without the prefix), so the notifier can
 * write a note on it in the helpdesk it came from without reading account-health's tables. A case
 * two sources reported is listed once for each.
 */
export class OpenCasesBySource1765171700001 implements MigrationInterface {
  name = 'OpenCasesBySource1765171700001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE VIEW health.open_cases_by_source AS
      SELECT c.account_id, c.id AS case_id, c.title, s.source
      FROM health.cases c
      JOIN LATERAL (
        SELECT DISTINCT substr(e.source, 10) AS source FROM health.events e
        WHERE e.account_id = c.account_id AND e.subject_id = c.id AND e.source LIKE '/sources/%'
      ) s ON true
      WHERE c.is_open`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW health.open_cases_by_source`);
  }
}
