import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { LessThanOrEqual, type QueryDeepPartialEntity } from 'typeorm';
import { TxHost } from '../unit-of-work';
import { type CalendarFeed, CalendarFeedExistsError, CalendarFeedNotFoundError, type CalendarPollResult, type StoredCalendarMeeting } from './calendar-feed';
import { CalendarFeedEntity } from './calendar-feed.entity';

/**
 * Calendar feeds (`gateway.calendar_feeds`, through the entity) and what the poller published from
 * them (`gateway.calendar_meetings`, a feed's meetings read and written as a set, in SQL).
 */
@Injectable()
export class CalendarFeedsRepository {
  constructor(private readonly txHost: TxHost) {}

  private get feeds() {
    return this.txHost.tx.getRepository(CalendarFeedEntity);
  }

  async add(url: string, options: { ownerEmail?: string | null; team?: string | null; intervalMinutes: number; allowInternal?: boolean }): Promise<CalendarFeed> {
    const id = randomBytes(5).toString('hex');
    // A registered URL inserts nothing rather than failing: a failed statement would be logged with its parameters, the secret URL among them.
    const { raw } = await this.feeds.createQueryBuilder().insert()
      .values({ id, url, ownerEmail: options.ownerEmail ?? null, team: options.team ?? null, intervalMinutes: options.intervalMinutes, allowInternal: options.allowInternal ?? false })
      .orIgnore().returning('id').execute();
    if ((raw as unknown[]).length === 0) {
      const existing = await this.find(url);
      throw new CalendarFeedExistsError(url, existing?.id ?? '?');
    }
    return this.feeds.findOneByOrFail({ id });
  }

  /** By id or URL. */
  async find(ref: string): Promise<CalendarFeed | null> {
    return this.feeds.findOne({ where: [{ id: ref }, { url: ref }] });
  }

  async list(): Promise<(CalendarFeed & { meetings: number })[]> {
    const feeds = await this.feeds.find({ order: { createdAt: 'ASC', id: 'ASC' } });
    const counts: { feedId: string; meetings: number }[] = await this.txHost.tx.query(
      'SELECT feed_id AS "feedId", count(*)::int AS meetings FROM gateway.calendar_meetings WHERE NOT cancelled GROUP BY feed_id',
    );
    const meetings = new Map(counts.map((c) => [c.feedId, c.meetings]));
    return feeds.map((feed) => Object.assign(feed, { meetings: meetings.get(feed.id) ?? 0 }));
  }

  /** Marks a feed for removal: the poller cancels its upcoming meetings, then deletes it. */
  async remove(ref: string): Promise<CalendarFeed> {
    return this.change(ref, { removedAt: () => 'now()', nextPollAt: () => 'now()' });
  }

  /** Asks the poller to fetch a feed at its next tick instead of waiting for its interval. */
  async refresh(ref: string): Promise<CalendarFeed> {
    return this.change(ref, { nextPollAt: () => 'now()' });
  }

  private async change(ref: string, changes: QueryDeepPartialEntity<CalendarFeedEntity>): Promise<CalendarFeed> {
    const { raw } = await this.feeds.createQueryBuilder().update().set(changes).where('id = :ref OR url = :ref', { ref }).returning('id').execute();
    const [changed] = raw as { id: string }[];
    if (!changed) throw new CalendarFeedNotFoundError(ref);
    return this.feeds.findOneByOrFail({ id: changed.id });
  }

  async due(now: Date, limit = 20): Promise<CalendarFeed[]> {
    return this.feeds.find({ where: { nextPollAt: LessThanOrEqual(now) }, order: { nextPollAt: 'ASC', id: 'ASC' }, take: limit });
  }

  /** The feed's text as last fetched (kept for a 304). */
  async body(feedId: string): Promise<string | null> {
    const feed = await this.feeds.findOne({ select: { id: true, body: true }, where: { id: feedId } });
    return feed?.body ?? null;
  }

  /** Records what a poll did; a successful fetch also keeps the feed's validators and text. Call it inside a transaction with `saveMeetings`. */
  async recordPoll(feedId: string, result: CalendarPollResult): Promise<void> {
    const fetched = result.status === 'ok' ? { etag: result.etag ?? null, lastModified: result.lastModified ?? null, body: result.body ?? null } : {};
    await this.feeds.update({ id: feedId }, { lastPolledAt: () => 'now()', lastStatus: result.status, lastError: result.error ?? null, nextPollAt: result.nextPollAt, ...fetched });
  }

  async delete(feedId: string): Promise<void> {
    await this.feeds.delete({ id: feedId });
  }

  async meetings<M>(feedId: string): Promise<StoredCalendarMeeting<M>[]> {
    const rows: (Omit<StoredCalendarMeeting<M>, 'startsAt'> & { startsAt: Date })[] = await this.txHost.tx.query(
      `SELECT meeting_id AS "meetingId", account_id AS "accountId", uid, recurrence, fingerprint, revision, starts_at AS "startsAt", cancelled, meeting
       FROM gateway.calendar_meetings WHERE feed_id = $1`,
      [feedId],
    );
    return rows.map((r) => ({ ...r, startsAt: r.startsAt.toISOString() }));
  }

  /** Replaces what was published from a feed: forgets some meetings and upserts others, each as one statement over arrays. */
  async saveMeetings<M>(feedId: string, save: StoredCalendarMeeting<M>[], forget: { meetingId: string; accountId: string }[]): Promise<void> {
    if (forget.length > 0) {
      await this.txHost.tx.query(
        `DELETE FROM gateway.calendar_meetings m USING unnest($2::text[], $3::text[]) AS f(meeting_id, account_id)
         WHERE m.feed_id = $1 AND m.meeting_id = f.meeting_id AND m.account_id = f.account_id`,
        [feedId, forget.map((f) => f.meetingId), forget.map((f) => f.accountId)],
      );
    }
    if (save.length > 0) {
      await this.txHost.tx.query(
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
}
