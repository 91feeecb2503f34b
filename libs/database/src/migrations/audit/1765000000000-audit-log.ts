import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log of admin actions (sources, users, roles, policy reloads, replays): who, when, what.
 * Append-only, in its own schema: the CLI, the dashboard and account-health each add entries, and
 * none of them changes or deletes one.
 */
export class AuditLog1765000000000 implements MigrationInterface {
  name = 'AuditLog1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS audit`);
    await q.query(`
      CREATE TABLE audit.entries (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        action text NOT NULL,
        target text,
        details jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await q.query(`CREATE INDEX audit_entries_at ON audit.entries (at DESC)`);
    await q.query(`CREATE INDEX audit_entries_action ON audit.entries (action, at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA audit CASCADE`);
  }
}
