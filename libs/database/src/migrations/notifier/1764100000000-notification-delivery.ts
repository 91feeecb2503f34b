import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The notifier's delivery ledger learns who a recipient is to the account (the mail says why they
 * got it) and keeps the rendered subject, so the dashboard can show what was sent.
 */
export class NotificationDelivery1764100000000 implements MigrationInterface {
  name = 'NotificationDelivery1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notifier.notifications ADD COLUMN recipient_role text NOT NULL DEFAULT 'owner'`);
    await q.query(`ALTER TABLE notifier.notifications ADD COLUMN subject text`);
    await q.query(`ALTER TABLE notifier.notifications ADD COLUMN superseded_by bigint`);
    // The grouping step looks up what still waits for one account and recipient.
    await q.query(`CREATE INDEX notifications_waiting ON notifier.notifications (account_id, recipient) WHERE status = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX notifier.notifications_waiting`);
    await q.query(`ALTER TABLE notifier.notifications DROP COLUMN superseded_by, DROP COLUMN subject, DROP COLUMN recipient_role`);
  }
}
