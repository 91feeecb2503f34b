import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The notifier's delivery ledger records resends apart from the first delivery (`sent_at` stays
 * the first time the mail went out), and keeps the defaults it applies to people who saved no
 * preferences. Read views for the dashboard: deliveries, acknowledgements, snoozes, preferences
 * and those defaults, so the notifier can change its tables without breaking the dashboard.
 */
export class NotificationLedgerViews1765040000000 implements MigrationInterface {
  name = 'NotificationLedgerViews1765040000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notifier.notifications
      ADD COLUMN resend_count integer NOT NULL DEFAULT 0,
      ADD COLUMN resend_requested_at timestamptz,
      ADD COLUMN resend_requested_by text,
      ADD COLUMN resent_at timestamptz`);
    // One row: what the notifier applies to people who saved no preferences (written at its start).
    await q.query(`
      CREATE TABLE notifier.preference_defaults (
        singleton    boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        mode         text NOT NULL CHECK (mode IN ('immediate', 'digest')),
        quiet_start  text,
        quiet_end    text,
        updated_at   timestamptz NOT NULL
      )`);

    await q.query(`
      CREATE VIEW notifier.deliveries_view AS
      SELECT id, alert_id, account_id, recipient, recipient_name, recipient_role, kind, status, attempts, created_at, sent_at,
             last_error, outcome_note, chat_outcome, resend_count, resend_requested_at, resend_requested_by, resent_at
      FROM notifier.notifications`);
    await q.query(`CREATE VIEW notifier.acknowledgements_view AS SELECT account_id, alert_id, state, by_email, by_name, via, at FROM notifier.acknowledgements`);
    await q.query(`CREATE VIEW notifier.snoozes_view AS SELECT account_id, email, state, until, via, at FROM notifier.snoozes`);
    await q.query(`CREATE VIEW notifier.preferences_view AS SELECT email, mode, quiet_start, quiet_end, time_zone, chat, updated_at FROM notifier.preferences`);
    await q.query(`CREATE VIEW notifier.preference_defaults_view AS SELECT mode, quiet_start, quiet_end, updated_at FROM notifier.preference_defaults`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW notifier.preference_defaults_view, notifier.preferences_view, notifier.snoozes_view, notifier.acknowledgements_view, notifier.deliveries_view`);
    await q.query(`DROP TABLE notifier.preference_defaults`);
    await q.query(`ALTER TABLE notifier.notifications DROP COLUMN resent_at, DROP COLUMN resend_requested_by, DROP COLUMN resend_requested_at, DROP COLUMN resend_count`);
  }
}
