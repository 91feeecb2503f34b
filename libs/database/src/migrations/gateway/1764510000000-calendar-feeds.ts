import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * iCalendar feeds the gateway polls (`forewarn calendar add`), and the meetings it last published
 * from each, so that it publishes only changes and notices an event that left the feed.
 */
export class CalendarFeeds1764510000000 implements MigrationInterface {
  name = 'CalendarFeeds1764510000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE gateway.calendar_feeds (
        id                text PRIMARY KEY,
        url               text NOT NULL UNIQUE,
        owner_email       text,
        team              text,
        interval_minutes  integer NOT NULL DEFAULT 15 CHECK (interval_minutes BETWEEN 1 AND 10080),
        etag              text,
        last_modified     text,
        body              text,
        next_poll_at      timestamptz NOT NULL DEFAULT now(),
        last_polled_at    timestamptz,
        last_status       text,
        last_error        text,
        removed_at        timestamptz,
        created_at        timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX calendar_feeds_due ON gateway.calendar_feeds (next_poll_at)`);

    // One row per meeting occurrence and account it was published for.
    await q.query(`
      CREATE TABLE gateway.calendar_meetings (
        feed_id      text NOT NULL REFERENCES gateway.calendar_feeds (id) ON DELETE CASCADE,
        meeting_id   text NOT NULL,
        account_id   text NOT NULL,
        uid          text NOT NULL,
        recurrence   text,
        fingerprint  text NOT NULL,
        revision     integer NOT NULL,
        starts_at    timestamptz NOT NULL,
        cancelled    boolean NOT NULL,
        meeting      jsonb NOT NULL,
        updated_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (feed_id, meeting_id, account_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE gateway.calendar_meetings`);
    await q.query(`DROP TABLE gateway.calendar_feeds`);
  }
}
