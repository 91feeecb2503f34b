import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in for a sales team (issue 16): a user is `active`, `invited` (created by an admin, not yet
 * signed in: the invite link sets the password) or `deactivated` (kept for the record, cannot sign
 * in, token refused). One-use links by e-mail — a sign-in link (15 minutes) or an invite (7 days) —
 * bound to the address they were sent to; only the link's hash is kept.
 */
export class InvitesAndSignInLinks1765180000002 implements MigrationInterface {
  name = 'InvitesAndSignInLinks1765180000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dashboard.users ADD COLUMN status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'invited', 'deactivated'))`);
    await q.query(`
      CREATE TABLE dashboard.sign_in_links (
        token_hash  text PRIMARY KEY,
        email       text NOT NULL REFERENCES dashboard.users (email) ON DELETE CASCADE ON UPDATE CASCADE,
        purpose     text NOT NULL CHECK (purpose IN ('sign-in', 'invite')),
        created_at  timestamptz NOT NULL DEFAULT now(),
        expires_at  timestamptz NOT NULL,
        used_at     timestamptz
      )`);
    await q.query(`CREATE INDEX sign_in_links_by_email ON dashboard.sign_in_links (email)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE dashboard.sign_in_links`);
    await q.query(`ALTER TABLE dashboard.users DROP COLUMN status`);
  }
}
