import { Injectable } from '@nestjs/common';
import type { MeetingState } from '@forewarn/health';
import { LOCK } from '../advisory-locks';
import { TxHost } from '../unit-of-work';
import { groupBy, type Subject } from './subjects';

/** A meeting that has not started yet and is not cancelled. */
export type UpcomingMeetingRow = Pick<MeetingState, 'id' | 'title' | 'startsAt' | 'endsAt' | 'kind' | 'organizer' | 'attendees' | 'cancelled'>;

/** Customer meetings (`health.meetings`), as their events fold them. */
@Injectable()
export class MeetingsRepository {
  constructor(private readonly txHost: TxHost) {}

  private get db() {
    return this.txHost.tx;
  }

  /**
   * Serialises batches folding the same meeting (its events may come by two partitions when they
   * name the account differently). Meetings per batch are few, so an advisory lock each is cheap,
   * and unlike a placeholder row it leaves nothing behind when the fold yields no meeting.
   */
  async lock(subjects: Subject[]): Promise<void> {
    if (subjects.length === 0) return;
    await this.db.query(
      `SELECT pg_advisory_xact_lock(hashtextextended(k, ${LOCK.meeting})) FROM unnest($1::text[]) AS k ORDER BY k`,
      [[...new Set(subjects.map((s) => JSON.stringify([s.accountId, s.subjectId])))].sort()],
    );
  }

  async save(meetings: { accountId: string; state: MeetingState }[]): Promise<void> {
    for (const { accountId, state } of meetings) {
      await this.db.query(
        `INSERT INTO health.meetings (account_id, id, title, starts_at, ends_at, kind, organizer, attendees, cancelled, source_time)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (account_id, id) DO UPDATE SET title = EXCLUDED.title, starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at,
           kind = EXCLUDED.kind, organizer = EXCLUDED.organizer, attendees = EXCLUDED.attendees, cancelled = EXCLUDED.cancelled, source_time = EXCLUDED.source_time`,
        [accountId, state.id, state.title, state.startsAt, state.endsAt, state.kind, JSON.stringify(state.organizer), JSON.stringify(state.attendees), state.cancelled, state.lastEventTime],
      );
    }
  }

  /** Meetings that have not started and are not cancelled, soonest first. */
  async upcoming(accountIds: string[], now: Date): Promise<Map<string, UpcomingMeetingRow[]>> {
    const rows: { account_id: string; id: string; title: string | null; starts_at: Date; ends_at: Date | null; kind: string | null; organizer: MeetingState['organizer']; attendees: MeetingState['attendees'] }[] = await this.db.query(
      `SELECT account_id, id, title, starts_at, ends_at, kind, organizer, attendees FROM health.meetings
       WHERE account_id = ANY($1::text[]) AND NOT cancelled AND starts_at > $2 ORDER BY account_id, starts_at, id`,
      [accountIds, now],
    );
    const byAccount = new Map<string, UpcomingMeetingRow[]>();
    for (const [accountId, list] of groupBy(rows, (r) => r.account_id)) {
      byAccount.set(accountId, list.map((r) => ({ id: r.id, title: r.title, startsAt: r.starts_at.toISOString(), endsAt: r.ends_at ? r.ends_at.toISOString() : null, kind: r.kind, organizer: r.organizer, attendees: r.attendees ?? [], cancelled: false })));
    }
    return byAccount;
  }

  async count(): Promise<number> {
    const [{ n }]: { n: number }[] = await this.db.query('SELECT count(*)::int AS n FROM health.meetings');
    return n;
  }

  /** For a replay, which folds every meeting again. */
  async deleteAll(): Promise<void> {
    await this.db.query('DELETE FROM health.meetings');
  }
}
