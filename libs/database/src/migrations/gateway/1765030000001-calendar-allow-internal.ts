import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Calendar feeds reach only public hosts, unless an operator registered a feed on an internal host
 * on purpose (`forewarn calendar add <url> --allow-internal`): that choice is kept with the feed.
 */
export class CalendarAllowInternal1765030000001 implements MigrationInterface {
  name = 'CalendarAllowInternal1765030000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE gateway.calendar_feeds ADD COLUMN allow_internal boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE gateway.calendar_feeds DROP COLUMN allow_internal`);
  }
}
