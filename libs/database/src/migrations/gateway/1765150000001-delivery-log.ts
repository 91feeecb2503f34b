import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The delivery log of each source (issue 14): every webhook delivery that got past authentication,
 * with its outcome (accepted, ignored, or rejected with the status answered), the events it
 * produced, the reasons for what was ignored, and the body (size-capped, secrets stripped), kept
 * for GATEWAY_DELIVERY_LOG_RETENTION_DAYS. `redelivery_of` names the delivery a
 * `forewarn source redeliver` ran again. Readers (the dashboard) read the view
 * `gateway.delivery_log`, never the table.
 */
export class DeliveryLog1765150000001 implements MigrationInterface {
  name = 'DeliveryLog1765150000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE gateway.deliveries (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        received_at     timestamptz NOT NULL,
        source          text NOT NULL,
        kind            text NOT NULL,
        outcome         text NOT NULL CHECK (outcome IN ('accepted', 'ignored', 'rejected')),
        status          smallint NOT NULL,
        event_ids       text[] NOT NULL DEFAULT '{}',
        ignored         jsonb NOT NULL DEFAULT '[]',
        problem         jsonb,
        media_type      text,
        headers         jsonb NOT NULL DEFAULT '{}',
        body            text,
        body_bytes      integer NOT NULL DEFAULT 0,
        body_truncated  boolean NOT NULL DEFAULT false,
        correlation_id  text,
        redelivery_of   bigint
      )`);
    await q.query(`CREATE INDEX deliveries_by_source ON gateway.deliveries (source, id DESC)`);
    await q.query(`CREATE INDEX deliveries_by_time ON gateway.deliveries (received_at)`);
    await q.query(`
      CREATE VIEW gateway.delivery_log AS
      SELECT id, received_at, source, kind, outcome, status, event_ids, ignored, problem, media_type, body, body_bytes, body_truncated, correlation_id, redelivery_of
      FROM gateway.deliveries`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW gateway.delivery_log`);
    await q.query(`DROP TABLE gateway.deliveries`);
  }
}
