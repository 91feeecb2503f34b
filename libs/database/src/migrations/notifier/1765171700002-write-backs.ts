import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Write-back (issue 17): the notifier's ledger of notes to write on support cases, one per source,
 * case, reason (`acknowledged`, `briefing`, `heads-up`) and the alert it is about — unique, so a
 * redelivered acknowledgement or a briefing mailed to several people adds nothing. A worker claims
 * due rows under a lease, as the sender does mail. `ref` names the note in its text, so an attempt
 * whose end was not seen (`in_doubt`: a crash, a timeout) is checked on the case before writing
 * again. `dry_run` rows record what would have been written.
 *
 * A read view for the dashboard's account page.
 */
export class WriteBacks1765171700002 implements MigrationInterface {
  name = 'WriteBacks1765171700002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notifier.write_backs (
        id               bigserial PRIMARY KEY,
        ref              text NOT NULL DEFAULT substr(replace(gen_random_uuid()::text, '-', ''), 1, 16),
        account_id       text NOT NULL,
        source           text NOT NULL,
        vendor           text NOT NULL,
        case_id          text NOT NULL,
        reason           text NOT NULL CHECK (reason IN ('acknowledged', 'briefing', 'heads-up')),
        alert_id         text NOT NULL,
        note             text NOT NULL,
        tag              text,
        status           text NOT NULL CHECK (status IN ('pending', 'retrying', 'written', 'failed', 'dry_run')),
        attempts         integer NOT NULL DEFAULT 0,
        in_doubt         boolean NOT NULL DEFAULT false,
        next_attempt_at  timestamptz NOT NULL DEFAULT now(),
        last_error       text,
        vendor_status    integer,
        found_on_case    boolean NOT NULL DEFAULT false,
        created_at       timestamptz NOT NULL DEFAULT now(),
        written_at       timestamptz,
        UNIQUE (source, case_id, reason, alert_id)
      )`);
    await q.query(`CREATE INDEX write_backs_due ON notifier.write_backs (next_attempt_at) WHERE status IN ('pending', 'retrying')`);
    await q.query(`CREATE INDEX write_backs_by_account ON notifier.write_backs (account_id, created_at DESC)`);
    await q.query(`
      CREATE VIEW notifier.write_backs_view AS
      SELECT id, account_id, source, vendor, case_id, reason, alert_id, note, tag, status, attempts, last_error, vendor_status,
             created_at, written_at, next_attempt_at
      FROM notifier.write_backs`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW notifier.write_backs_view`);
    await q.query(`DROP TABLE notifier.write_backs`);
  }
}
