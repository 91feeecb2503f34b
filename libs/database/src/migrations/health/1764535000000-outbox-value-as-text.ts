import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox keeps each message as the text that goes to Kafka. Stored as jsonb, every message was
 * parsed into jsonb by PostgreSQL, printed back by it for the relay, parsed by `pg` into objects and
 * serialised again for Kafka — work for nothing, since nobody queries inside an outbox message
 * (docs/BENCHMARKS.md, "Pipeline"). jsonb's text form is valid JSON, so the rows waiting now keep
 * their meaning.
 */
export class OutboxValueAsText1764535000000 implements MigrationInterface {
  name = 'OutboxValueAsText1764535000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE health.outbox ALTER COLUMN value TYPE text USING value::text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE health.outbox ALTER COLUMN value TYPE jsonb USING value::jsonb`);
  }
}
