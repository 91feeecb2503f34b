import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Write-back (issue 17): per helpdesk source, whether Forewarn writes internal notes back to its
 * cases (`off` by default, `on`, `dry-run`), the vendor API's URL and user, the API token sealed
 * with a key derived from FOREWARN_SECRET (`fw1.…`, never the token itself), the optional tag, and
 * whether support gets a heads-up before a firestorm account's meeting. A row of its own per
 * source, removed with the source.
 *
 * The notifier writes the notes: it reads the sources that write back through the view
 * `gateway.write_back_sources` — their kind and these settings, never their api key hashes.
 */
export class WriteBackSettings1765171700000 implements MigrationInterface {
  name = 'WriteBackSettings1765171700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE gateway.write_back (
        source            text PRIMARY KEY REFERENCES gateway.sources (name) ON DELETE CASCADE,
        mode              text NOT NULL DEFAULT 'off' CHECK (mode IN ('off', 'on', 'dry-run')),
        api_url           text,
        api_user          text,
        api_token_sealed  text CHECK (api_token_sealed LIKE 'fw1.%'),
        tag               text,
        support_heads_up  boolean NOT NULL DEFAULT false,
        updated_at        timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE VIEW gateway.write_back_sources AS
      SELECT s.name AS source, s.kind, w.mode, w.api_url, w.api_user, w.api_token_sealed, w.tag, w.support_heads_up
      FROM gateway.sources s JOIN gateway.write_back w ON w.source = s.name
      WHERE w.mode <> 'off'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW gateway.write_back_sources`);
    await q.query(`DROP TABLE gateway.write_back`);
  }
}
