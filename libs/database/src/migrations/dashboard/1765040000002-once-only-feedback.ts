import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the dashboard published on someone's behalf, so it publishes it once: the first
 * acknowledgement of each alert (whoever comes second is told who was first), and each used
 * acknowledge or snooze link from a mail (a link works once).
 */
export class OnceOnlyFeedback1765040000002 implements MigrationInterface {
  name = 'OnceOnlyFeedback1765040000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE dashboard.acknowledgements (
        alert_id    text PRIMARY KEY,
        account_id  text NOT NULL,
        state       text NOT NULL,
        by_email    text NOT NULL,
        by_name     text,
        via         text NOT NULL,
        at          timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX acknowledgements_by_account ON dashboard.acknowledgements (account_id)`);
    // The link itself is a credential: only its hash is kept.
    await q.query(`
      CREATE TABLE dashboard.link_uses (
        token_hash  text PRIMARY KEY,
        action      text NOT NULL CHECK (action IN ('ack', 'snooze')),
        alert_id    text NOT NULL,
        account_id  text NOT NULL,
        email       text NOT NULL,
        until       timestamptz,
        used_at     timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE dashboard.link_uses, dashboard.acknowledgements`);
  }
}
