import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Only our own people hear about an account. The notifier must know who they are without reading
 * another service's tables: each owner defines a read view over its own table —
 * `dashboard.internal_people` (the dashboard's users) and `health.account_domains` (each account's
 * domains) — and the notifier's ledger gets a `dropped` outcome for a recipient the rule left out.
 */
export class InternalAudience1765030000000 implements MigrationInterface {
  name = 'InternalAudience1765030000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE VIEW dashboard.internal_people AS SELECT lower(email) AS email, name FROM dashboard.users`);
    // The domains as an array (lower case, as the contract stores them), so `domains && $1` uses the accounts' GIN index.
    await q.query(`CREATE VIEW health.account_domains AS SELECT id AS account_id, domains FROM health.accounts`);
    await q.query(`ALTER TABLE notifier.notifications DROP CONSTRAINT notifications_status_check`);
    await q.query(`ALTER TABLE notifier.notifications ADD CONSTRAINT notifications_status_check
      CHECK (status IN ('pending', 'sent', 'retrying', 'failed', 'superseded', 'suppressed', 'dropped'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE notifier.notifications SET status = 'suppressed' WHERE status = 'dropped'`);
    await q.query(`ALTER TABLE notifier.notifications DROP CONSTRAINT notifications_status_check`);
    await q.query(`ALTER TABLE notifier.notifications ADD CONSTRAINT notifications_status_check
      CHECK (status IN ('pending', 'sent', 'retrying', 'failed', 'superseded', 'suppressed'))`);
    await q.query(`DROP VIEW health.account_domains`);
    await q.query(`DROP VIEW dashboard.internal_people`);
  }
}
