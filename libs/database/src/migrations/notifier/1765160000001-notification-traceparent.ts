import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each notification keeps the trace of the alert it is for (the W3C `traceparent` the alert came
 * with), so its delivery, the mail's `X-Forewarn-Trace-Id` and the chat post belong to the trace
 * of the event that caused it. Rows written before, and digests, have none: a delivery of one
 * starts a trace of its own.
 */
export class NotificationTraceparent1765160000001 implements MigrationInterface {
  name = 'NotificationTraceparent1765160000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notifier.notifications ADD COLUMN traceparent text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notifier.notifications DROP COLUMN traceparent`);
  }
}
