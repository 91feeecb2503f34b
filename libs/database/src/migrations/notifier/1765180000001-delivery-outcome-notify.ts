import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The notifier tells listeners when a delivery's status changes (sent, retrying, failed, …): a
 * `NOTIFY forewarn_delivery` with the notification's id, alert, account and new status, sent when
 * the notifier's transaction commits. The dashboard listens (one connection per instance) to show
 * delivery outcomes live; the payload is what `notifier.deliveries_view` shows, and the notifier
 * keeps writing its table as it likes. Nothing secret: no address, no error text.
 */
export class DeliveryOutcomeNotify1765180000001 implements MigrationInterface {
  name = 'DeliveryOutcomeNotify1765180000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION notifier.notify_delivery_outcome() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('forewarn_delivery', json_build_object('id', NEW.id::text, 'alertId', NEW.alert_id, 'accountId', NEW.account_id, 'status', NEW.status)::text);
        RETURN NULL;
      END
      $$`);
    await q.query(`
      CREATE TRIGGER delivery_outcome AFTER UPDATE OF status ON notifier.notifications
      FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION notifier.notify_delivery_outcome()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER delivery_outcome ON notifier.notifications`);
    await q.query(`DROP FUNCTION notifier.notify_delivery_outcome()`);
  }
}
