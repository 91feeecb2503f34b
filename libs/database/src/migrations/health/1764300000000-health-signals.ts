import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Health signals over time: which policy scored an account and whether time alone can change
 * its health (the sweep re-evaluates those), why each history point was written, one briefing
 * per meeting, the meeting an alert is about, and an index for surveys that came without a case.
 */
export class HealthSignals1764300000000 implements MigrationInterface {
  name = 'HealthSignals1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE health.account_health ADD COLUMN policy_version text`);
    // Existing rows are swept once and then marked correctly.
    await q.query(`ALTER TABLE health.account_health ADD COLUMN time_dependent boolean NOT NULL DEFAULT true`);
    await q.query(`CREATE INDEX account_health_time_dependent ON health.account_health (account_id) WHERE time_dependent`);

    await q.query(`ALTER TABLE health.health_history ADD COLUMN policy_version text`);
    await q.query(`ALTER TABLE health.health_history ADD COLUMN cause text`);

    await q.query(`ALTER TABLE health.alerts ADD COLUMN meeting_id text`);

    await q.query(`
      CREATE TABLE health.briefings (
        account_id  text NOT NULL,
        meeting_id  text NOT NULL,
        starts_at   timestamptz NOT NULL,
        alert_id    uuid NOT NULL,
        state       text NOT NULL,
        created_at  timestamptz NOT NULL,
        PRIMARY KEY (account_id, meeting_id)
      )`);

    await q.query(`CREATE INDEX events_caseless_surveys ON health.events (account_id, time) WHERE type = 'forewarn.survey.responded' AND subject_id IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX health.events_caseless_surveys`);
    await q.query(`DROP TABLE health.briefings`);
    await q.query(`ALTER TABLE health.alerts DROP COLUMN meeting_id`);
    await q.query(`ALTER TABLE health.health_history DROP COLUMN cause, DROP COLUMN policy_version`);
    await q.query(`DROP INDEX health.account_health_time_dependent`);
    await q.query(`ALTER TABLE health.account_health DROP COLUMN time_dependent, DROP COLUMN policy_version`);
  }
}
