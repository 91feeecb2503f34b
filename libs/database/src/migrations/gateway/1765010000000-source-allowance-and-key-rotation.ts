import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each source may send only what it is for (`allow`: cases, meetings, accounts): existing sources
 * get what their kind allows by default — helpdesks cases only, `events` and `mapped` all three.
 * Key rotation with a grace period: the previous key's hash and when it stops working.
 */
export class SourceAllowanceAndKeyRotation1765010000000 implements MigrationInterface {
  name = 'SourceAllowanceAndKeyRotation1765010000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE gateway.sources ADD COLUMN allow text[]`);
    await q.query(`UPDATE gateway.sources SET allow = CASE WHEN kind IN ('events', 'mapped') THEN ARRAY['cases', 'meetings', 'accounts'] ELSE ARRAY['cases'] END`);
    await q.query(`ALTER TABLE gateway.sources ALTER COLUMN allow SET NOT NULL`);
    await q.query(`ALTER TABLE gateway.sources ADD CONSTRAINT sources_allow_check
      CHECK (cardinality(allow) > 0 AND allow <@ ARRAY['cases', 'meetings', 'accounts'])`);
    await q.query(`ALTER TABLE gateway.sources
      ADD COLUMN previous_api_key_hash text UNIQUE,
      ADD COLUMN previous_key_expires_at timestamptz,
      ADD COLUMN key_rotated_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE gateway.sources DROP COLUMN key_rotated_at, DROP COLUMN previous_key_expires_at, DROP COLUMN previous_api_key_hash`);
    await q.query(`ALTER TABLE gateway.sources DROP CONSTRAINT sources_allow_check`);
    await q.query(`ALTER TABLE gateway.sources DROP COLUMN allow`);
  }
}
