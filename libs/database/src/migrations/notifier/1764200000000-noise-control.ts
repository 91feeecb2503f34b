import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Noise control in the notifier: acknowledgements, snoozes, preferences, the last known status of
 * each account (for digests), and a `suppressed` outcome in the delivery ledger.
 */
export class NoiseControl1764200000000 implements MigrationInterface {
  name = 'NoiseControl1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notifier.notifications DROP CONSTRAINT notifications_status_check`);
    await q.query(`ALTER TABLE notifier.notifications ADD CONSTRAINT notifications_status_check
      CHECK (status IN ('pending', 'sent', 'retrying', 'failed', 'superseded', 'suppressed'))`);
    await q.query(`ALTER TABLE notifier.notifications ADD COLUMN outcome_note text`);
    await q.query(`CREATE INDEX notifications_last_sent ON notifier.notifications (account_id, recipient, sent_at DESC) WHERE status = 'sent'`);

    // One acknowledgement per account: the loudest state someone said they are on; cleared on recovery.
    await q.query(`
      CREATE TABLE notifier.acknowledgements (
        account_id  text PRIMARY KEY,
        alert_id    text NOT NULL,
        state       text NOT NULL,
        by_email    text NOT NULL,
        by_name     text,
        via         text NOT NULL,
        at          timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE notifier.snoozes (
        account_id  text NOT NULL,
        email       text NOT NULL,
        state       text NOT NULL,
        until       timestamptz NOT NULL,
        via         text NOT NULL,
        at          timestamptz NOT NULL,
        PRIMARY KEY (account_id, email)
      )`);
    await q.query(`
      CREATE TABLE notifier.preferences (
        email        text PRIMARY KEY,
        mode         text NOT NULL CHECK (mode IN ('immediate', 'digest')),
        quiet_start  text,
        quiet_end    text,
        time_zone    text,
        updated_at   timestamptz NOT NULL
      )`);
    // The latest alert per account, so a digest can list what is burning without asking other services.
    await q.query(`
      CREATE TABLE notifier.account_status (
        account_id  text PRIMARY KEY,
        lead_email  text,
        team        text,
        state       text NOT NULL,
        alert       jsonb NOT NULL,
        updated_at  timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX account_status_lead ON notifier.account_status (lead_email)`);
    await q.query(`
      CREATE TABLE notifier.digests (
        email  text NOT NULL,
        day    date NOT NULL,
        at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (email, day)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notifier.digests, notifier.account_status, notifier.preferences, notifier.snoozes, notifier.acknowledgements`);
    await q.query(`DROP INDEX notifier.notifications_last_sent`);
    await q.query(`ALTER TABLE notifier.notifications DROP COLUMN outcome_note`);
    await q.query(`ALTER TABLE notifier.notifications DROP CONSTRAINT notifications_status_check`);
    await q.query(`ALTER TABLE notifier.notifications ADD CONSTRAINT notifications_status_check
      CHECK (status IN ('pending', 'sent', 'retrying', 'failed', 'superseded'))`);
  }
}
