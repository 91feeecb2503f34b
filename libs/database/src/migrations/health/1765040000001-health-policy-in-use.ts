import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * account-health records the health policy it runs with (at start and on every reload), so
 * `forewarn replay` scores with the same one. And a read view of each account's health now and
 * its next meeting, for the notifier's daily digest.
 */
export class HealthPolicyInUse1765040000001 implements MigrationInterface {
  name = 'HealthPolicyInUse1765040000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE health.policy_in_use (
        singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        version    text NOT NULL,
        policy     jsonb NOT NULL,
        source     text NOT NULL,
        since      timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE VIEW health.current_health_view AS
      SELECT a.id AS account_id, a.name, h.state, h.score, h.reasons->0->>'label' AS why, h.open_cases, h.updated_at,
             m.id AS next_meeting_id, m.title AS next_meeting_title, m.starts_at AS next_meeting_starts_at
      FROM health.accounts a
      JOIN health.account_health h ON h.account_id = a.id
      LEFT JOIN LATERAL (
        SELECT id, title, starts_at FROM health.meetings
        WHERE account_id = a.id AND NOT cancelled AND starts_at > now()
        ORDER BY starts_at LIMIT 1
      ) m ON true`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW health.current_health_view`);
    await q.query(`DROP TABLE health.policy_in_use`);
  }
}
