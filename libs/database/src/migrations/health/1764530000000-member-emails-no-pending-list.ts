import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The GIN index on the members' e-mails (`accounts_member_emails`, who may see an account) without
 * its pending list. With `fastupdate` on, new entries wait in an unsorted list, up to 4 MB, until
 * (auto)vacuum merges them, and every lookup scans that list: 6–15 ms of a lead's 23 ms overview
 * at 100k accounts (docs/BENCHMARKS.md, "Dashboard API"). Accounts change when the CRM sends them,
 * rarely next to how often leads read them, so their few e-mails go straight into the index.
 */
export class MemberEmailsNoPendingList1764530000000 implements MigrationInterface {
  name = 'MemberEmailsNoPendingList1764530000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER INDEX health.accounts_member_emails SET (fastupdate = off)`);
    // Turning it off keeps what is already pending: merge that into the index now.
    await q.query(`SELECT gin_clean_pending_list('health.accounts_member_emails'::regclass)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER INDEX health.accounts_member_emails RESET (fastupdate)`);
  }
}
