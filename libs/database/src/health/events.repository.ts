import { Injectable } from '@nestjs/common';
import type { InboundEvent } from '@forewarn/contracts';
import { type AccountEvent, type CaseFact, eventKey, type MeetingFact, type SurveyAnswer } from '@forewarn/health';
import { lockForTransaction } from '../advisory-locks';
import { TxHost } from '../unit-of-work';
import type { AccountReferences } from './accounts.repository';
import { groupBy, type Subject, subjectKey } from './subjects';

/** An event the store did not have yet. */
export interface NewEvent {
  source: string;
  id: string;
  seq: number;
  type: InboundEvent['type'];
  accountKey: string;
  subjectId: string | null;
}

/** An event an account claimed from the unmapped ones: its case or meeting is folded again. */
export interface ClaimedEvent {
  accountId: string;
  type: InboundEvent['type'];
  subjectId: string | null;
}

const subjectOf = (event: InboundEvent): string | null => {
  if (event.type === 'forewarn.account.upserted') return event.data.id;
  if (event.type.startsWith('forewarn.meeting.')) return (event.data as { meeting: { id: string } }).meeting.id;
  return (event.data as { case?: { id: string } }).case?.id ?? null;
};

const CASE_EVENTS = `(e.type LIKE 'forewarn.case.%' OR e.type = 'forewarn.survey.responded')`;

/** A case of a source (the source's `/sources/<name>` and the case id), as `caseAccounts` keys it. */
export const caseKey = (source: string, caseId: string): string => `${source}\u0000${caseId}`;
const MEETING_EVENTS = `e.type LIKE 'forewarn.meeting.%'`;

/**
 * A stored event as a fold reads it. The time as text, truncated to milliseconds exactly as
 * JavaScript reads an event's own time, so a fold continued from new events and a fold of stored
 * ones see the same instants.
 */
const FACT_COLUMNS = `e.account_id, e.subject_id, e.source, e.id, e.type, to_char(e.time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS time, e.seq, e.payload->'data' AS data`;
interface FactRow { account_id: string; subject_id: string; source: string; id: string; type: string; time: string; seq: string; data: unknown }
const factOf = <T>(row: FactRow): T => ({ type: row.type, time: row.time, seq: Number(row.seq), key: eventKey(row.source, row.id), data: row.data }) as T;

/**
 * The event store (`health.events`): every inbound event once per source+id, with the account it
 * belongs to (null while unmapped). The batch paths are set-based: one statement per batch.
 */
@Injectable()
export class EventsRepository {
  constructor(private readonly txHost: TxHost) {}

  private get db() {
    return this.txHost.tx;
  }

  /**
   * Stores events once per source+id; returns only the ones that were new. `accountId`, when the
   * caller already knows it (a rebuild), saves assigning it afterwards. The rows go as one JSON
   * document: PostgreSQL parses it in one pass, where a `jsonb[]` parameter has the driver quote
   * every element.
   */
  async insert(events: { event: InboundEvent; accountKey: string; accountId?: string | null }[]): Promise<NewEvent[]> {
    if (events.length === 0) return [];
    const rows: { source: string; id: string; seq: string; type: InboundEvent['type']; account_key: string; subject_id: string | null }[] = await this.db.query(
      `INSERT INTO health.events (source, id, type, account_key, account_id, subject_id, time, received_at, payload)
       SELECT source, id, type, account_key, account_id, subject_id, time, received_at, payload
       FROM jsonb_to_recordset($1::jsonb) AS r(source text, id text, type text, account_key text, account_id text, subject_id text, time timestamptz, received_at timestamptz, payload jsonb)
       ON CONFLICT (source, id) DO NOTHING
       RETURNING source, id, seq, type, account_key, subject_id`,
      [
        JSON.stringify(events.map(({ event, accountKey, accountId }) => ({
          source: event.source, id: event.id, type: event.type, account_key: accountKey, account_id: accountId ?? null, subject_id: subjectOf(event),
          time: event.time, received_at: event.forewarnreceivedat, payload: event,
        }))),
      ],
    );
    return rows.map((r) => ({ source: r.source, id: r.id, seq: Number(r.seq), type: r.type, accountKey: r.account_key, subjectId: r.subject_id }));
  }

  /**
   * Orders the moments an event is left unmapped and an account that could claim it arrives:
   * whichever transaction takes this lock second sees the other's commit, so an event can never
   * be stored unmapped just after the account it needed claimed the unmapped events.
   */
  async lockUnmapped(): Promise<void> {
    await lockForTransaction(this.db, 'unmapped');
  }

  /**
   * Events that waited unmapped for these accounts (by id, the source's external id or domain,
   * in that order of precedence) now belong to them. By the accounts' references as stored, not as
   * the batch's upserts carried them: an upsert older than the stored account changed nothing, so
   * the domains it still names must not claim anything. One pass over the unmapped events per batch.
   */
  async claimUnmapped(accounts: AccountReferences[]): Promise<ClaimedEvent[]> {
    if (accounts.length === 0) return [];
    const keys = accounts.flatMap((a) => [
      { key: a.id, accountId: a.id, rank: 0 },
      ...a.externalRefs.map((r) => ({ key: `external:${r.id}|/sources/${r.source}`, accountId: a.id, rank: 1 })),
      ...a.domains.map((d) => ({ key: `domain:${d.toLowerCase()}`, accountId: a.id, rank: 2 })),
    ]);
    return this.db.query(
      `WITH claimed AS (
         UPDATE health.events e SET account_id = m.account_id
         FROM (
           SELECT DISTINCT ON (u.source, u.id) u.source, u.id, k.account_id
           FROM health.events u
           CROSS JOIN LATERAL (VALUES (u.account_key),
             ('external:' || (u.payload->'data'->'account'->>'externalId') || '|' || u.source),
             ('domain:' || lower(u.payload->'data'->'account'->>'domain'))) AS c(key)
           JOIN unnest($1::text[], $2::text[], $3::int[]) AS k(key, account_id, rank) ON k.key = c.key
           WHERE u.account_id IS NULL
           ORDER BY u.source, u.id, k.rank, k.account_id
         ) m
         WHERE e.source = m.source AND e.id = m.id AND e.account_id IS NULL
         RETURNING e.account_id AS "accountId", e.type, e.subject_id AS "subjectId"
       )
       SELECT * FROM claimed`,
      [keys.map((k) => k.key), keys.map((k) => k.accountId), keys.map((k) => k.rank)],
    );
  }

  /**
   * The account each case already belongs to, for events of it that name no account Forewarn
   * knows (a Jira comment without a reporter, a Salesforce change without AccountId): by case id,
   * confirmed by an event of the same source on that account's case; the most recently updated
   * case when several accounts have one of that id. Keyed by `caseKey(source, caseId)`.
   */
  async caseAccounts(cases: { source: string; caseId: string }[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    if (cases.length === 0) return found;
    const rows: { source: string; case_id: string; account_id: string }[] = await this.db.query(
      `SELECT DISTINCT ON (p.source, p.case_id) p.source, p.case_id, c.account_id
       FROM unnest($1::text[], $2::text[]) AS p(source, case_id)
       JOIN health.cases c ON c.id = p.case_id
       WHERE EXISTS (SELECT 1 FROM health.events e WHERE e.account_id = c.account_id AND e.subject_id = c.id AND e.source = p.source)
       ORDER BY p.source, p.case_id, c.updated_at DESC, c.account_id`,
      [cases.map((c) => c.source), cases.map((c) => c.caseId)],
    );
    for (const row of rows) found.set(caseKey(row.source, row.case_id), row.account_id);
    return found;
  }

  /**
   * Events of these cases that arrived before anything said whose case it is (and so were kept
   * unmapped) now belong to the case's account: the same source and case id. One statement per
   * batch over the (small) index of unmapped events.
   */
  async claimCaseSiblings(cases: { source: string; caseId: string; accountId: string }[]): Promise<ClaimedEvent[]> {
    if (cases.length === 0) return [];
    return this.db.query(
      `WITH claimed AS (
         UPDATE health.events e SET account_id = p.account_id
         FROM (SELECT DISTINCT ON (source, case_id) source, case_id, account_id FROM unnest($1::text[], $2::text[], $3::text[]) AS p(source, case_id, account_id) ORDER BY source, case_id) p
         WHERE e.account_id IS NULL AND e.subject_id IS NOT NULL AND e.source = p.source AND e.subject_id = p.case_id AND ${CASE_EVENTS}
         RETURNING e.account_id AS "accountId", e.type, e.subject_id AS "subjectId"
       )
       SELECT * FROM claimed`,
      [cases.map((c) => c.source), cases.map((c) => c.caseId), cases.map((c) => c.accountId)],
    );
  }

  /** For a rebuild: every unmapped case event takes the account of the latest mapped event of its case (same source and case id). */
  async inheritCaseAccounts(): Promise<number> {
    const rows = await this.db.query(
      `WITH claimed AS (
         UPDATE health.events e SET account_id = m.account_id
         FROM (
           SELECT DISTINCT ON (k.source, k.subject_id) k.source, k.subject_id, k.account_id
           FROM health.events k
           WHERE k.account_id IS NOT NULL AND k.subject_id IS NOT NULL AND (k.type LIKE 'forewarn.case.%' OR k.type = 'forewarn.survey.responded')
             AND EXISTS (SELECT 1 FROM health.events u WHERE u.account_id IS NULL AND u.source = k.source AND u.subject_id = k.subject_id)
           ORDER BY k.source, k.subject_id, k.time DESC, k.seq DESC
         ) m
         WHERE e.account_id IS NULL AND e.source = m.source AND e.subject_id = m.subject_id AND ${CASE_EVENTS}
         RETURNING 1
       )
       SELECT count(*)::int AS n FROM claimed`,
    );
    return (rows as { n: number }[])[0].n;
  }

  /** Every stored event of these cases (and case surveys), by `subjectKey`. */
  async caseFacts(subjects: Subject[]): Promise<Map<string, CaseFact[]>> {
    return this.facts<CaseFact>(subjects, CASE_EVENTS);
  }

  /** Every stored event of these meetings, by `subjectKey`. */
  async meetingFacts(subjects: Subject[]): Promise<Map<string, MeetingFact[]>> {
    return this.facts<MeetingFact>(subjects, MEETING_EVENTS);
  }

  private async facts<T>(subjects: Subject[], typeFilter: string): Promise<Map<string, T[]>> {
    const byKey = new Map<string, T[]>();
    if (subjects.length === 0) return byKey;
    const rows: FactRow[] = await this.db.query(
      `SELECT ${FACT_COLUMNS} FROM health.events e JOIN unnest($1::text[], $2::text[]) AS s(account_id, subject_id)
         ON e.account_id = s.account_id AND e.subject_id = s.subject_id
       WHERE ${typeFilter}`,
      [subjects.map((s) => s.accountId), subjects.map((s) => s.subjectId)],
    );
    for (const [key, list] of groupBy(rows, (row) => subjectKey(row.account_id, row.subject_id))) byKey.set(key, list.map((row) => factOf<T>(row)));
    return byKey;
  }

  /**
   * For a rebuild: every mapped case (or meeting) with all its events, one subject at a time,
   * read through a cursor so that memory holds a chunk of events, not the whole store. Inside a
   * transaction only (a cursor lives as long as its transaction).
   */
  async eachSubjectFacts<T>(kind: 'case' | 'meeting', onSubject: (accountId: string, subjectId: string, facts: T[]) => Promise<void> | void): Promise<number> {
    const cursor = `facts_${kind}`;
    await this.db.query(
      `DECLARE ${cursor} NO SCROLL CURSOR FOR
       SELECT ${FACT_COLUMNS} FROM health.events e
       WHERE e.account_id IS NOT NULL AND e.subject_id IS NOT NULL AND ${kind === 'case' ? CASE_EVENTS : MEETING_EVENTS}
       ORDER BY e.account_id, e.subject_id`,
    );
    let subjects = 0;
    let current: { accountId: string; subjectId: string; facts: T[] } | null = null;
    for (;;) {
      const rows: FactRow[] = await this.db.query(`FETCH FORWARD 5000 FROM ${cursor}`);
      for (const row of rows) {
        if (!current || current.accountId !== row.account_id || current.subjectId !== row.subject_id) {
          if (current) await onSubject(current.accountId, current.subjectId, current.facts);
          current = { accountId: row.account_id, subjectId: row.subject_id, facts: [] };
          subjects += 1;
        }
        current.facts.push(factOf<T>(row));
      }
      if (rows.length === 0) break;
    }
    if (current) await onSubject(current.accountId, current.subjectId, current.facts);
    await this.db.query(`CLOSE ${cursor}`);
    return subjects;
  }

  /** Survey answers given without a case, within `recentDays`. */
  async caselessSurveys(accountIds: string[], recentDays: number, now: Date): Promise<Map<string, SurveyAnswer[]>> {
    const rows: { account_id: string; time: Date; data: { survey: { kind: 'csat' | 'nps'; score: number; comment?: string }; actor?: { name?: string; email?: string } } }[] = await this.db.query(
      `SELECT account_id, time, payload->'data' AS data FROM health.events
       WHERE account_id = ANY($1::text[]) AND type = 'forewarn.survey.responded' AND subject_id IS NULL
         AND time > $3::timestamptz - $2::float8 * interval '1 day'
       ORDER BY account_id, time, source, id`,
      [accountIds, recentDays, now],
    );
    const byAccount = new Map<string, SurveyAnswer[]>();
    for (const [accountId, list] of groupBy(rows, (r) => r.account_id)) {
      byAccount.set(accountId, list.map((r) => ({ at: r.time.toISOString(), kind: r.data.survey.kind, score: r.data.survey.score, who: r.data.actor?.name ?? r.data.actor?.email ?? null, comment: r.data.survey.comment ?? null })));
    }
    return byAccount;
  }

  /** For a backtest: the accounts with mapped events (only `accountId`, when given). */
  async accountsWithEvents(accountId: string | null): Promise<string[]> {
    const rows: { account_id: string }[] = await this.db.query(
      `SELECT DISTINCT account_id FROM health.events WHERE account_id IS NOT NULL AND ($1::text IS NULL OR account_id = $1) ORDER BY account_id`,
      [accountId],
    );
    return rows.map((r) => r.account_id);
  }

  /** For a backtest: an account's events up to `until`, in the order they happened. */
  async eventsOfAccount(accountId: string, until: Date): Promise<AccountEvent[]> {
    const rows: { source: string; id: string; type: AccountEvent['type']; time: Date; seq: string; data: unknown }[] = await this.db.query(
      `SELECT source, id, type, time, seq, payload->'data' AS data FROM health.events WHERE account_id = $1 AND time <= $2 ORDER BY time, seq`,
      [accountId, until],
    );
    return rows.map((r) => ({ key: eventKey(r.source, r.id), type: r.type, time: r.time.toISOString(), seq: Number(r.seq), data: r.data }));
  }

  async count(): Promise<number> {
    const [{ n }]: { n: number }[] = await this.db.query('SELECT count(*)::int AS n FROM health.events');
    return n;
  }

  /** For a replay, which stores every event again. */
  async deleteAll(): Promise<void> {
    await this.db.query('DELETE FROM health.events');
  }
}
