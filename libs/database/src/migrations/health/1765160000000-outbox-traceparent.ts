import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each outbox message keeps the trace of what caused it (the event's, or the sweep's: a W3C
 * `traceparent`), which the relay publishes as the message's Kafka header. Messages written
 * before have none and are published without it.
 */
export class OutboxTraceparent1765160000000 implements MigrationInterface {
  name = 'OutboxTraceparent1765160000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE health.outbox ADD COLUMN traceparent text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE health.outbox DROP COLUMN traceparent`);
  }
}
