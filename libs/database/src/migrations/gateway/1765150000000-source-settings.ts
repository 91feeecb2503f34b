import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two more kinds of source, Intercom and Salesforce, and settings per source: configuration its
 * kind's mapper reads (Salesforce's `organizationId` and `accountFields`, a `timezone`), a JSON
 * object, `{}` for every source so far. Settings are not secrets.
 */
export class SourceSettings1765150000000 implements MigrationInterface {
  name = 'SourceSettings1765150000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE gateway.sources DROP CONSTRAINT sources_kind_check`);
    await q.query(`ALTER TABLE gateway.sources ADD CONSTRAINT sources_kind_check
      CHECK (kind IN ('events', 'zendesk', 'jira', 'freshdesk', 'servicenow', 'intercom', 'salesforce', 'mapped'))`);
    await q.query(`ALTER TABLE gateway.sources ADD COLUMN settings jsonb NOT NULL DEFAULT '{}'::jsonb
      CONSTRAINT sources_settings_object CHECK (jsonb_typeof(settings) = 'object')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE gateway.sources DROP COLUMN settings`);
    await q.query(`DELETE FROM gateway.sources WHERE kind IN ('intercom', 'salesforce')`);
    await q.query(`ALTER TABLE gateway.sources DROP CONSTRAINT sources_kind_check`);
    await q.query(`ALTER TABLE gateway.sources ADD CONSTRAINT sources_kind_check
      CHECK (kind IN ('events', 'zendesk', 'jira', 'freshdesk', 'servicenow', 'mapped'))`);
  }
}
