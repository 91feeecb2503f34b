import { randomBytes } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../query-rows';

/** An iCalendar feed the gateway polls (`gateway.calendar_feeds`). */
export interface CalendarFeed {
  id: string;
  url: string;
  ownerEmail: string | null;
  team: string | null;
  intervalMinutes: number;
  etag: string | null;
  lastModified: string | null;
  nextPollAt: Date;
  lastPolledAt: Date | null;
  lastStatus: string | null;
  lastError: string | null;
  removedAt: Date | null;
  createdAt: Date;
  /** An operator registered it on an internal host on purpose (`--allow-internal`): its address is not checked. */
  allowInternal: boolean;
}

/** A meeting as last published from a feed for one account (`gateway.calendar_meetings`). */
export interface StoredCalendarMeeting<M = Record<string, unknown>> {
  meetingId: string;
  accountId: string;
  uid: string;
  recurrence: string | null;
  fingerprint: string;
  revision: number;
  startsAt: string;
  cancelled: boolean;
  meeting: M;
}

export interface CalendarPollResult {
  status: 'ok' | 'not_modified' | 'error';
  error?: string | null;
  etag?: string | null;
  lastModified?: string | null;
  /** The feed's text when it changed (kept, so a 304 can still be re-planned as time moves on). */
  body?: string | null;
  nextPollAt: Date;
}

export class CalendarFeedExistsError extends Error {
  constructor(url: string, readonly id: string) {
    super(`the calendar ${url} is already registered (id ${id})`);
  }
}

export class CalendarFeedNotFoundError extends Error {
  constructor(ref: string) {
    super(`there is no calendar feed "${ref}" (give its id or URL; see forewarn calendar list)`);
  }
}

type FeedRow = {
  id: string; url: string; owner_email: string | null; team: string | null; interval_minutes: number; etag: string | null; last_modified: string | null;
  next_poll_at: Date; last_polled_at: Date | null; last_status: string | null; last_error: string | null; removed_at: Date | null; created_at: Date;
  allow_internal: boolean;
};
const FEED_COLUMNS = 'id, url, owner_email, team, interval_minutes, etag, last_modified, next_poll_at, last_polled_at, last_status, last_error, removed_at, created_at, allow_internal';
const toFeed = (r: FeedRow): CalendarFeed => ({
  id: r.id, url: r.url, ownerEmail: r.owner_email, team: r.team, intervalMinutes: r.interval_minutes, etag: r.etag, lastModified: r.last_modified,
  nextPollAt: r.next_poll_at, lastPolledAt: r.last_polled_at, lastStatus: r.last_status, lastError: r.last_error, removedAt: r.removed_at, createdAt: r.created_at,
  allowInternal: r.allow_internal,
});

/** Calendar feeds and what the poller published from them. */
export class CalendarFeedsRepository {
  constructor(private readonly db: DataSource | EntityManager) {}

  async add(url: string, options: { ownerEmail?: string | null; team?: string | null; intervalMinutes: number; allowInternal?: boolean }): Promise<CalendarFeed> {
    const id = randomBytes(5).toString('hex');
    try {
      const rows = await queryRows<FeedRow>(
        this.db,
        `INSERT INTO gateway.calendar_feeds (id, url, owner_email, team, interval_minutes, allow_internal) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${FEED_COLUMNS}`,
        [id, url, options.ownerEmail ?? null, options.team ?? null, options.intervalMinutes, options.allowInternal ?? false],
      );
      return toFeed(rows[0]);
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        const existing = await this.find(url);
        throw new CalendarFeedExistsError(url, existing?.id ?? '?');
      }
      throw error;
    }
  }

  /** By id or URL. */
  async find(ref: string): Promise<CalendarFeed | null> {
    const rows = await queryRows<FeedRow>(this.db, `SELECT ${FEED_COLUMNS} FROM gateway.calendar_feeds WHERE id = $1 OR url = $1`, [ref]);
    return rows[0] ? toFeed(rows[0]) : null;
  }

  async list(): Promise<(CalendarFeed & { meetings: number })[]> {
    const rows = await queryRows<FeedRow & { meetings: string }>(
      this.db,
      `SELECT ${FEED_COLUMNS.split(', ').map((c) => `f.${c}`).join(', ')},
              (SELECT count(*) FROM gateway.calendar_meetings m WHERE m.feed_id = f.id AND NOT m.cancelled) AS meetings
       FROM gateway.calendar_feeds f ORDER BY f.created_at, f.id`,
    );
    return rows.map((r) => ({ ...toFeed(r), meetings: Number(r.meetings) }));
  }

  /** Marks a feed for removal: the poller cancels its upcoming meetings, then deletes it. */
  async remove(ref: string): Promise<CalendarFeed> {
    const rows = await queryRows<FeedRow>(this.db, `UPDATE gateway.calendar_feeds SET removed_at = now(), next_poll_at = now() WHERE id = $1 OR url = $1 RETURNING ${FEED_COLUMNS}`, [ref]);
    if (!rows[0]) throw new CalendarFeedNotFoundError(ref);
    return toFeed(rows[0]);
  }

  /** Asks the poller to fetch a feed at its next tick instead of waiting for its interval. */
  async refresh(ref: string): Promise<CalendarFeed> {
    const rows = await queryRows<FeedRow>(this.db, `UPDATE gateway.calendar_feeds SET next_poll_at = now() WHERE id = $1 OR url = $1 RETURNING ${FEED_COLUMNS}`, [ref]);
    if (!rows[0]) throw new CalendarFeedNotFoundError(ref);
    return toFeed(rows[0]);
  }

  async due(now: Date, limit = 20): Promise<CalendarFeed[]> {
    const rows = await queryRows<FeedRow>(this.db, `SELECT ${FEED_COLUMNS} FROM gateway.calendar_feeds WHERE next_poll_at <= $1 ORDER BY next_poll_at, id LIMIT $2`, [now, limit]);
    return rows.map(toFeed);
  }

  async body(feedId: string): Promise<string | null> {
    const rows = await queryRows<{ body: string | null }>(this.db, 'SELECT body FROM gateway.calendar_feeds WHERE id = $1', [feedId]);
    return rows[0]?.body ?? null;
  }

  async meetings<M>(feedId: string): Promise<StoredCalendarMeeting<M>[]> {
    const rows = await queryRows<{ meeting_id: string; account_id: string; uid: string; recurrence: string | null; fingerprint: string; revision: number; starts_at: Date; cancelled: boolean; meeting: M }>(
      this.db,
      'SELECT meeting_id, account_id, uid, recurrence, fingerprint, revision, starts_at, cancelled, meeting FROM gateway.calendar_meetings WHERE feed_id = $1',
      [feedId],
    );
    return rows.map((r) => ({
      meetingId: r.meeting_id, accountId: r.account_id, uid: r.uid, recurrence: r.recurrence, fingerprint: r.fingerprint, revision: r.revision,
      startsAt: new Date(r.starts_at).toISOString(), cancelled: r.cancelled, meeting: r.meeting,
    }));
  }

  /** Records what a poll did. Call it inside a transaction with `saveMeetings`. */
  async recordPoll(feedId: string, result: CalendarPollResult): Promise<void> {
    await this.db.query(
      `UPDATE gateway.calendar_feeds SET last_polled_at = now(), last_status = $2, last_error = $3, next_poll_at = $4,
         etag = CASE WHEN $2 = 'ok' THEN $5 ELSE etag END,
         last_modified = CASE WHEN $2 = 'ok' THEN $6 ELSE last_modified END,
         body = CASE WHEN $2 = 'ok' THEN $7 ELSE body END
       WHERE id = $1`,
      [feedId, result.status, result.error ?? null, result.nextPollAt, result.etag ?? null, result.lastModified ?? null, result.body ?? null],
    );
  }

  async saveMeetings<M>(feedId: string, save: StoredCalendarMeeting<M>[], forget: { meetingId: string; accountId: string }[]): Promise<void> {
    if (forget.length > 0) {
      await this.db.query(
        `DELETE FROM gateway.calendar_meetings m USING unnest($2::text[], $3::text[]) AS f(meeting_id, account_id)
         WHERE m.feed_id = $1 AND m.meeting_id = f.meeting_id AND m.account_id = f.account_id`,
        [feedId, forget.map((f) => f.meetingId), forget.map((f) => f.accountId)],
      );
    }
    if (save.length > 0) {
      await this.db.query(
        `INSERT INTO gateway.calendar_meetings (feed_id, meeting_id, account_id, uid, recurrence, fingerprint, revision, starts_at, cancelled, meeting, updated_at)
         SELECT $1::text, *, now() FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::timestamptz[], $9::boolean[], $10::jsonb[])
         ON CONFLICT (feed_id, meeting_id, account_id) DO UPDATE SET uid = EXCLUDED.uid, recurrence = EXCLUDED.recurrence, fingerprint = EXCLUDED.fingerprint,
           revision = EXCLUDED.revision, starts_at = EXCLUDED.starts_at, cancelled = EXCLUDED.cancelled, meeting = EXCLUDED.meeting, updated_at = now()`,
        [
          feedId, save.map((s) => s.meetingId), save.map((s) => s.accountId), save.map((s) => s.uid), save.map((s) => s.recurrence), save.map((s) => s.fingerprint),
          save.map((s) => s.revision), save.map((s) => s.startsAt), save.map((s) => s.cancelled), save.map((s) => JSON.stringify(s.meeting)),
        ],
      );
    }
  }

  async delete(feedId: string): Promise<void> {
    await this.db.query('DELETE FROM gateway.calendar_feeds WHERE id = $1', [feedId]);
  }
}
