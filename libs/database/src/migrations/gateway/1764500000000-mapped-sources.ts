import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sources of kind `mapped`: systems without an adapter, whose webhook JSON a declarative JSONata
 * mapping stored with the source turns into canonical events.
 */
export class MappedSources1764500000000 implements MigrationInterface {
  name = 'MappedSources1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE gateway.sources DROP CONSTRAINT IF EXISTS sources_kind_check`);
    await q.query(`ALTER TABLE gateway.sources ADD CONSTRAINT sources_kind_check
      CHECK (kind IN ('events', 'zendesk', 'jira', 'freshdesk', 'servicenow', 'mapped'))`);
    await q.query(`ALTER TABLE gateway.sources ADD COLUMN mapping text`);
    await q.query(`ALTER TABLE gateway.sources ADD COLUMN mapping_updated_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM gateway.sources WHERE kind = 'mapped'`);
    await q.query(`ALTER TABLE gateway.sources DROP COLUMN mapping_updated_at, DROP COLUMN mapping`);
    await q.query(`ALTER TABLE gateway.sources DROP CONSTRAINT sources_kind_check`);
    await q.query(`ALTER TABLE gateway.sources ADD CONSTRAINT sources_kind_check
      CHECK (kind IN ('events', 'zendesk', 'jira', 'freshdesk', 'servicenow'))`);
  }
}
