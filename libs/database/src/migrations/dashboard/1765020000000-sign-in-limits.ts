import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in that resists guessing: sessions know when they were last used (idle expiry), can be
 * found by user (ending someone's sessions), and failed sign-ins are counted per e-mail for every
 * dashboard instance alike.
 */
export class SignInLimits1765020000000 implements MigrationInterface {
  name = 'SignInLimits1765020000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dashboard.sessions ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now()`);
    await q.query(`CREATE INDEX sessions_email ON dashboard.sessions (email)`);
    // Keyed by the e-mail as typed (lower case), whether or not a user has it.
    await q.query(`
      CREATE TABLE dashboard.sign_in_failures (
        email            text PRIMARY KEY,
        failures         integer NOT NULL,
        last_failure_at  timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE dashboard.sign_in_failures`);
    await q.query(`DROP INDEX dashboard.sessions_email`);
    await q.query(`ALTER TABLE dashboard.sessions DROP COLUMN last_seen_at`);
  }
}
