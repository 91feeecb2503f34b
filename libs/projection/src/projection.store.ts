import { type AccountRef, accountRefOf, type AccountUpsertedData, type HealthReason, type HealthState, type InboundEvent } from '@forewarn/contracts';
import { LOCK, lockForTransaction, queryRows } from '@forewarn/database';
import type { EntityManager } from 'typeorm';
import { type AccountProfile, type CaseFact, type CaseState, emptyCase, type MeetingFact, type MeetingState, type SurveyAnswer } from '@forewarn/health';

export interface NewEvent {
  source: string;
  id: string;
  seq: number;
  type: InboundEvent['type'];
  accountKey: string;
  subjectId: string | null;
}

export interface StoredAccount {
  id: string;
  name: string;
  ownerName: string | null;
  ownerEmail: string;
  leadName: string | null;
  leadEmail: string | null;
  members: { name?: string; email: string }[];
  team: string | null;
  timezone: string | null;
  profile: AccountProfile;
}

export interface StoredHealth {
  accountId: string;
  score: number;
  state: HealthState;
  alertedState: HealthState | null;
}

export interface HealthRow {
  accountId: string;
  score: number;
  state: HealthState;
  reasons: HealthReason[];
  openCases: number;
  openEscalations: number;
  alertedState: HealthState | null;
  policyVersion: string;
  timeDependent: boolean;
}

export interface OutboxRow {
  topic: 'health' | 'alerts';
  key: string;
  value: unknown;
}

/** A meeting that has not started yet and is not cancelled. */
export type UpcomingMeetingRow = Pick<MeetingState, 'id' | 'title' | 'startsAt' | 'endsAt' | 'kind' | 'organizer' | 'attendees' | 'cancelled'>;

const subjectOf = (event: InboundEvent): string | null => {
  if (event.type === 'forewarn.account.upserted') return event.data.id;
  if (event.type.startsWith('forewarn.meeting.')) return (event.data as { meeting: { id: string } }).meeting.id;
  return (event.data as { case?: { id: string } }).case?.id ?? null;
};


/**
 * The identity of a stored event for the folds: a duplicate has the same key. Unambiguous and
 * free of NUL, because a case state keeps the key of its last event in jsonb (`foldedThrough`).
 */
export const eventKey = (source: string, id: string): string => JSON.stringify([source, id]);

/** The identity of an event's reference to its account, for resolving each distinct one once. */
export const referenceKey = (event: InboundEvent): string => {
  const ref = accountRefOf(event);
  return JSON.stringify([ref.id ?? null, ref.domain ?? null, ref.externalId ?? null, event.source]);
};

/** A case folded by an older version lacks newer fields until its next event (or a replay) folds it again. */
const withDefaults = (state: CaseState): CaseState => ({
  ...emptyCase(state.id),
  ...state,
  worstSeverity: state.worstSeverity ?? state.severity,
  peakEscalationLevel: Math.max(state.peakEscalationLevel ?? 0, state.escalationLevel),
  customerComments: state.customerComments.map((c) => ({ ...c, sentiment: c.sentiment ?? 0 })),
});

const groupBy = <T>(rows: T[], key: (row: T) => string): Map<string, T[]> => {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const list = map.get(key(row));
    if (list) list.push(row);
    else map.set(key(row), [row]);
  }
  return map;
};

const CASE_EVENTS = `(e.type LIKE 'forewarn.case.%' OR e.type = 'forewarn.survey.responded')`;
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
 * The SQL of the account-health projections. Every method takes the batch's transaction, and
 * the batch paths use set-based statements (`unnest`) rather than a statement per row.
 */
export class ProjectionStore {
  constructor(private readonly tx: EntityManager) {}

  /**
   * Stores events once per source+id; returns only the ones that were new. `accountId`, when the
   * caller already knows it (a rebuild), saves assigning it afterwards. The rows go as one JSON
   * document: PostgreSQL parses it in one pass, where a `jsonb[]` parameter has the driver quote
   * every element.
   */
  async insertEvents(events: { event: InboundEvent; accountKey: string; accountId?: string | null }[]): Promise<NewEvent[]> {
    if (events.length === 0) return [];
    const rows: { source: string; id: string; seq: string; type: InboundEvent['type']; account_key: string; subject_id: string | null }[] = await this.tx.query(
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

  /** Applies an account upsert unless a newer one (by event time) is already stored. */
  async upsertAccount(data: AccountUpsertedData, time: string): Promise<void> {
    await this.tx.query(
      `INSERT INTO health.accounts (id, name, domains, external_refs, owner_name, owner_email, team, lead_name, lead_email, members, tier, arr, renewal_date, timezone, source_time, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, now())
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, domains = EXCLUDED.domains, external_refs = EXCLUDED.external_refs,
         owner_name = EXCLUDED.owner_name, owner_email = EXCLUDED.owner_email, team = EXCLUDED.team, lead_name = EXCLUDED.lead_name,
         lead_email = EXCLUDED.lead_email, members = EXCLUDED.members, tier = EXCLUDED.tier, arr = EXCLUDED.arr,
         renewal_date = EXCLUDED.renewal_date, timezone = EXCLUDED.timezone, source_time = EXCLUDED.source_time, updated_at = now()
       WHERE health.accounts.source_time <= EXCLUDED.source_time`,
      [
        data.id, data.name, data.domains, JSON.stringify(data.externalRefs), data.owner.name ?? null, data.owner.email, data.team ?? null,
        data.lead?.name ?? null, data.lead?.email ?? null, JSON.stringify(data.members ?? []), data.tier ?? null, data.arr ?? null,
        data.renewalDate ?? null, data.timezone ?? null, time,
      ],
    );
  }

  /**
   * Finds the account each reference points to, by every reference it carries: its id first, then
   * the source's external id (specific), then the email domain (broad); null where none matches
   * (the event stays unmapped until such an account arrives). One statement for a whole batch,
   * and a reference a event does not carry costs nothing: a NULL domain would otherwise make
   * `domains @> ARRAY[NULL]` scan the whole GIN index for every lookup.
   */
  async resolveAccounts(refs: { ref: AccountRef; source: string }[]): Promise<(string | null)[]> {
    if (refs.length === 0) return [];
    const rows: { i: number; id: string }[] = await this.tx.query(
      `SELECT DISTINCT ON (r.i) r.i, a.id
       FROM unnest($1::int[], $2::text[], $3::jsonb[], $4::text[]) AS r(i, account_id, external, domain)
       JOIN LATERAL (
         SELECT id, 0 AS rank FROM health.accounts WHERE r.account_id IS NOT NULL AND id = r.account_id
         UNION ALL SELECT id, 1 FROM health.accounts WHERE r.external IS NOT NULL AND external_refs @> r.external
         UNION ALL SELECT id, 2 FROM health.accounts WHERE r.domain IS NOT NULL AND domains @> ARRAY[r.domain]
       ) a ON true
       ORDER BY r.i, a.rank, a.id`,
      [
        refs.map((_, i) => i),
        refs.map(({ ref }) => ref.id ?? null),
        refs.map(({ ref, source }) => (ref.externalId ? JSON.stringify([{ source: source.replace(/^\/sources\//, ''), id: ref.externalId }]) : null)),
        refs.map(({ ref }) => ref.domain?.toLowerCase() ?? null),
      ],
    );
    const found = new Map(rows.map((r) => [Number(r.i), r.id]));
    return refs.map((_, i) => found.get(i) ?? null);
  }

  /**
   * Orders the moments an event is left unmapped and an account that could claim it arrives:
   * whichever transaction takes this lock second sees the other's commit, so an event can never
   * be stored unmapped just after the account it needed claimed the unmapped events.
   */
  async lockUnmapped(): Promise<void> {
    await lockForTransaction(this.tx, 'unmapped');
  }

  /**
   * Events that waited unmapped for these accounts (by id, the source's external id or domain,
   * in that order of precedence) now belong to them. By the accounts' references as stored, not as
   * the batch's upserts carried them: an upsert older than the stored account changed nothing, so
   * the domains it still names must not claim anything. One pass over the unmapped events per batch.
   */
  async claimUnmapped(accountIds: string[]): Promise<{ accountId: string; type: InboundEvent['type']; subjectId: string | null }[]> {
    if (accountIds.length === 0) return [];
    const accounts: { id: string; domains: string[]; externalRefs: { source: string; id: string }[] }[] = await this.tx.query(
      'SELECT id, domains, external_refs AS "externalRefs" FROM health.accounts WHERE id = ANY($1::text[])',
      [accountIds],
    );
    const keys = accounts.flatMap((a) => [
      { key: a.id, accountId: a.id, rank: 0 },
      ...a.externalRefs.map((r) => ({ key: `external:${r.id}|/sources/${r.source}`, accountId: a.id, rank: 1 })),
      ...a.domains.map((d) => ({ key: `domain:${d.toLowerCase()}`, accountId: a.id, rank: 2 })),
    ]);
    return queryRows(
      this.tx,
      `UPDATE health.events e SET account_id = m.account_id
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
       RETURNING e.account_id AS "accountId", e.type, e.subject_id AS "subjectId"`,
      [keys.map((k) => k.key), keys.map((k) => k.accountId), keys.map((k) => k.rank)],
    );
  }

  /**
   * Locks the cases about to be folded (creating placeholder rows for new ones, so a concurrent
   * batch about the same case waits for this one and then sees its events) and returns the
   * stored states, and which cases this transaction created: no committed event belongs to
   * those, because every transaction that maps a case's event creates or locks its row.
   */
  async lockCases(subjects: { accountId: string; subjectId: string }[]): Promise<{ states: Map<string, CaseState>; created: Set<string> }> {
    const states = new Map<string, CaseState>();
    const created = new Set<string>();
    if (subjects.length === 0) return { states, created };
    const sorted = [...subjects].sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : a.subjectId < b.subjectId ? -1 : a.subjectId > b.subjectId ? 1 : 0));
    const params = [sorted.map((s) => s.accountId), sorted.map((s) => s.subjectId)];
    const inserted: { account_id: string; id: string }[] = await this.tx.query(
      `INSERT INTO health.cases (account_id, id, status, is_open, state)
       SELECT a, i, 'open', false, '{}'::jsonb FROM unnest($1::text[], $2::text[]) AS u(a, i) ORDER BY a, i
       ON CONFLICT (account_id, id) DO NOTHING
       RETURNING account_id, id`,
      params,
    );
    for (const row of inserted) created.add(`${row.account_id}\u0000${row.id}`);
    const rows: { account_id: string; id: string; state: Partial<CaseState> }[] = await this.tx.query(
      `SELECT c.account_id, c.id, c.state FROM health.cases c JOIN unnest($1::text[], $2::text[]) AS u(a, i) ON c.account_id = u.a AND c.id = u.i
       ORDER BY c.account_id, c.id FOR UPDATE OF c`,
      params,
    );
    for (const row of rows) if (row.state.id !== undefined) states.set(`${row.account_id}\u0000${row.id}`, withDefaults(row.state as CaseState));
    return { states, created };
  }

  /**
   * Serialises batches folding the same meeting (its events may come by two partitions when they
   * name the account differently). Meetings per batch are few, so an advisory lock each is cheap,
   * and unlike a placeholder row it leaves nothing behind when the fold yields no meeting.
   */
  async lockMeetings(subjects: { accountId: string; subjectId: string }[]): Promise<void> {
    if (subjects.length === 0) return;
    await this.tx.query(
      `SELECT pg_advisory_xact_lock(hashtextextended(k, ${LOCK.meeting})) FROM unnest($1::text[]) AS k ORDER BY k`,
      [[...new Set(subjects.map((s) => JSON.stringify([s.accountId, s.subjectId])))].sort()],
    );
  }

  async caseFacts(subjects: { accountId: string; subjectId: string }[]): Promise<Map<string, CaseFact[]>> {
    return this.facts<CaseFact>(subjects, CASE_EVENTS);
  }

  async meetingFacts(subjects: { accountId: string; subjectId: string }[]): Promise<Map<string, MeetingFact[]>> {
    return this.facts<MeetingFact>(subjects, MEETING_EVENTS);
  }

  private async facts<T>(subjects: { accountId: string; subjectId: string }[], typeFilter: string): Promise<Map<string, T[]>> {
    const byKey = new Map<string, T[]>();
    if (subjects.length === 0) return byKey;
    const rows: FactRow[] = await this.tx.query(
      `SELECT ${FACT_COLUMNS} FROM health.events e JOIN unnest($1::text[], $2::text[]) AS s(account_id, subject_id)
         ON e.account_id = s.account_id AND e.subject_id = s.subject_id
       WHERE ${typeFilter}`,
      [subjects.map((s) => s.accountId), subjects.map((s) => s.subjectId)],
    );
    for (const [key, list] of groupBy(rows, (row) => `${row.account_id}\u0000${row.subject_id}`)) byKey.set(key, list.map((row) => factOf<T>(row)));
    return byKey;
  }

  /**
   * For a rebuild: every mapped case (or meeting) with all its events, one subject at a time,
   * read through a cursor so that memory holds a chunk of events, not the whole store.
   */
  async eachSubjectFacts<T>(kind: 'case' | 'meeting', onSubject: (accountId: string, subjectId: string, facts: T[]) => Promise<void> | void): Promise<number> {
    const cursor = `facts_${kind}`;
    await this.tx.query(
      `DECLARE ${cursor} NO SCROLL CURSOR FOR
       SELECT ${FACT_COLUMNS} FROM health.events e
       WHERE e.account_id IS NOT NULL AND e.subject_id IS NOT NULL AND ${kind === 'case' ? CASE_EVENTS : MEETING_EVENTS}
       ORDER BY e.account_id, e.subject_id`,
    );
    let subjects = 0;
    let current: { accountId: string; subjectId: string; facts: T[] } | null = null;
    for (;;) {
      const rows: FactRow[] = await this.tx.query(`FETCH FORWARD 5000 FROM ${cursor}`);
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
    await this.tx.query(`CLOSE ${cursor}`);
    return subjects;
  }

  async saveCases(cases: { accountId: string; state: CaseState; isOpen: boolean }[]): Promise<void> {
    if (cases.length === 0) return;
    await this.tx.query(
      `INSERT INTO health.cases (account_id, id, title, url, severity, status, escalation_level, product, assignee, opened_at, last_activity_at, resolved_at, is_open, state, updated_at)
       SELECT account_id, state->>'id', state->>'title', state->>'url', (state->>'severity')::smallint, state->>'status', (state->>'escalationLevel')::smallint,
              state->>'product', state->>'assignee', (state->>'openedAt')::timestamptz, (state->>'lastActivityAt')::timestamptz, (state->>'resolvedAt')::timestamptz,
              is_open, state, now()
       FROM jsonb_to_recordset($1::jsonb) AS r(account_id text, is_open boolean, state jsonb)
       ON CONFLICT (account_id, id) DO UPDATE SET title = EXCLUDED.title, url = EXCLUDED.url, severity = EXCLUDED.severity, status = EXCLUDED.status,
         escalation_level = EXCLUDED.escalation_level, product = EXCLUDED.product, assignee = EXCLUDED.assignee, opened_at = EXCLUDED.opened_at,
         last_activity_at = EXCLUDED.last_activity_at, resolved_at = EXCLUDED.resolved_at, is_open = EXCLUDED.is_open, state = EXCLUDED.state, updated_at = now()`,
      [JSON.stringify(cases.map((c) => ({ account_id: c.accountId, is_open: c.isOpen, state: c.state })))],
    );
  }

  async saveMeetings(meetings: { accountId: string; state: MeetingState }[]): Promise<void> {
    for (const { accountId, state } of meetings) {
      await this.tx.query(
        `INSERT INTO health.meetings (account_id, id, title, starts_at, ends_at, kind, organizer, attendees, cancelled, source_time)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (account_id, id) DO UPDATE SET title = EXCLUDED.title, starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at,
           kind = EXCLUDED.kind, organizer = EXCLUDED.organizer, attendees = EXCLUDED.attendees, cancelled = EXCLUDED.cancelled, source_time = EXCLUDED.source_time`,
        [accountId, state.id, state.title, state.startsAt, state.endsAt, state.kind, JSON.stringify(state.organizer), JSON.stringify(state.attendees), state.cancelled, state.lastEventTime],
      );
    }
  }

  /** Open cases, and those resolved within `recentDays` (resolved problems still weigh for a while). */
  async casesOf(accountIds: string[], recentDays: number, now: Date): Promise<Map<string, CaseState[]>> {
    const rows: { account_id: string; state: CaseState }[] = await this.tx.query(
      `SELECT account_id, state FROM health.cases
       WHERE account_id = ANY($1::text[]) AND (is_open OR resolved_at > $3::timestamptz - $2::float8 * interval '1 day')
       ORDER BY account_id, id`,
      [accountIds, recentDays, now],
    );
    const byAccount = new Map<string, CaseState[]>();
    for (const [accountId, list] of groupBy(rows, (r) => r.account_id)) byAccount.set(accountId, list.map((r) => withDefaults(r.state)));
    return byAccount;
  }

  /** Survey answers given without a case, within `recentDays`. */
  async caselessSurveys(accountIds: string[], recentDays: number, now: Date): Promise<Map<string, SurveyAnswer[]>> {
    const rows: { account_id: string; time: Date; data: { survey: { kind: 'csat' | 'nps'; score: number; comment?: string }; actor?: { name?: string; email?: string } } }[] = await this.tx.query(
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

  async accounts(accountIds: string[]): Promise<Map<string, StoredAccount>> {
    const rows: { id: string; name: string; owner_name: string | null; owner_email: string; lead_name: string | null; lead_email: string | null; members: StoredAccount['members']; team: string | null; timezone: string | null; tier: string | null; arr: string | null; renewal_date: string | null }[] =
      await this.tx.query(
        'SELECT id, name, owner_name, owner_email, lead_name, lead_email, members, team, timezone, tier, arr, renewal_date FROM health.accounts WHERE id = ANY($1::text[]) ORDER BY id',
        [accountIds],
      );
    return new Map(rows.map((r) => [r.id, {
      id: r.id, name: r.name, ownerName: r.owner_name, ownerEmail: r.owner_email, leadName: r.lead_name, leadEmail: r.lead_email, members: r.members, team: r.team, timezone: r.timezone,
      profile: { tier: r.tier, arr: r.arr === null ? null : Number(r.arr), renewalDate: r.renewal_date },
    }]));
  }

  async allAccountIds(): Promise<string[]> {
    const rows: { id: string }[] = await this.tx.query('SELECT id FROM health.accounts ORDER BY id');
    return rows.map((r) => r.id);
  }

  /** Current health of each account, locked for this transaction so concurrent writers queue. */
  async healthOf(accountIds: string[]): Promise<Map<string, StoredHealth>> {
    const rows: { account_id: string; score: number; state: HealthState; alerted_state: HealthState | null }[] = await this.tx.query(
      'SELECT account_id, score, state, alerted_state FROM health.account_health WHERE account_id = ANY($1::text[]) ORDER BY account_id FOR UPDATE',
      [accountIds],
    );
    return new Map(rows.map((r) => [r.account_id, { accountId: r.account_id, score: r.score, state: r.state, alertedState: r.alerted_state }]));
  }

  /** Meetings that have not started and are not cancelled, soonest first. */
  async upcomingMeetings(accountIds: string[], now: Date): Promise<Map<string, UpcomingMeetingRow[]>> {
    const rows: { account_id: string; id: string; title: string | null; starts_at: Date; ends_at: Date | null; kind: string | null; organizer: MeetingState['organizer']; attendees: MeetingState['attendees'] }[] = await this.tx.query(
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

  /** Meetings already briefed, per account. */
  async briefedMeetings(accountIds: string[]): Promise<Map<string, Set<string>>> {
    const rows: { account_id: string; meeting_id: string }[] = await this.tx.query('SELECT account_id, meeting_id FROM health.briefings WHERE account_id = ANY($1::text[])', [accountIds]);
    const byAccount = new Map<string, Set<string>>();
    for (const r of rows) byAccount.set(r.account_id, (byAccount.get(r.account_id) ?? new Set()).add(r.meeting_id));
    return byAccount;
  }

  /** Claims the one briefing of a meeting; false when it was already given. */
  async claimBriefing(briefing: { accountId: string; meetingId: string; startsAt: string; alertId: string; state: HealthState; at: Date }): Promise<boolean> {
    const rows: unknown[] = await this.tx.query(
      `INSERT INTO health.briefings (account_id, meeting_id, starts_at, alert_id, state, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (account_id, meeting_id) DO NOTHING RETURNING meeting_id`,
      [briefing.accountId, briefing.meetingId, briefing.startsAt, briefing.alertId, briefing.state, briefing.at],
    );
    return rows.length > 0;
  }

  async saveHealth(rows: HealthRow[], changed: HealthRow[], now: Date, cause: string): Promise<void> {
    if (rows.length === 0) return;
    await this.tx.query(
      `INSERT INTO health.account_health (account_id, score, state, reasons, open_cases, open_escalations, alerted_state, policy_version, time_dependent, updated_at)
       SELECT account_id, score, state, reasons, open_cases, open_escalations, alerted_state, policy_version, time_dependent, $2::timestamptz
       FROM jsonb_to_recordset($1::jsonb) AS r(account_id text, score smallint, state text, reasons jsonb, open_cases int, open_escalations int, alerted_state text, policy_version text, time_dependent boolean)
       ON CONFLICT (account_id) DO UPDATE SET score = EXCLUDED.score, state = EXCLUDED.state, reasons = EXCLUDED.reasons, open_cases = EXCLUDED.open_cases,
         open_escalations = EXCLUDED.open_escalations, alerted_state = EXCLUDED.alerted_state, policy_version = EXCLUDED.policy_version,
         time_dependent = EXCLUDED.time_dependent, updated_at = EXCLUDED.updated_at`,
      [
        JSON.stringify(rows.map((r) => ({
          account_id: r.accountId, score: r.score, state: r.state, reasons: r.reasons, open_cases: r.openCases, open_escalations: r.openEscalations,
          alerted_state: r.alertedState, policy_version: r.policyVersion, time_dependent: r.timeDependent,
        }))),
        now,
      ],
    );
    if (changed.length === 0) return;
    await this.tx.query(
      `INSERT INTO health.health_history (account_id, at, score, state, policy_version, cause)
       SELECT a, $4::timestamptz, s, st, v, $6 FROM unnest($1::text[], $2::smallint[], $3::text[], $5::text[]) AS u(a, s, st, v)`,
      [changed.map((r) => r.accountId), changed.map((r) => r.score), changed.map((r) => r.state), now, changed.map((r) => r.policyVersion), cause],
    );
  }

  async saveAlert(alert: { id: string; accountId: string; kind: string; state: HealthState; previousState: HealthState | null; score: number; reasons: HealthReason[]; createdAt: Date; meetingId: string | null }): Promise<void> {
    await this.tx.query(
      'INSERT INTO health.alerts (id, account_id, kind, state, previous_state, score, reasons, created_at, meeting_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      [alert.id, alert.accountId, alert.kind, alert.state, alert.previousState, alert.score, JSON.stringify(alert.reasons), alert.createdAt, alert.meetingId],
    );
  }

  /**
   * Each message is stored as the text that goes to Kafka, so neither PostgreSQL nor the relay
   * parses it again. `json_to_recordset` reads the rows straight from the text; jsonb would build
   * a binary copy of every message first.
   */
  async enqueue(messages: OutboxRow[]): Promise<void> {
    if (messages.length === 0) return;
    await this.tx.query(
      'INSERT INTO health.outbox (topic, key, value) SELECT topic, key, value FROM json_to_recordset($1::json) AS r(topic text, key text, value text)',
      [JSON.stringify(messages.map((m) => ({ topic: m.topic, key: m.key, value: JSON.stringify(m.value) })))],
    );
  }

  /** Accounts whose health may change with time alone, and those with a meeting inside the briefing window. */
  async accountsToSweep(briefingHours: number, now: Date): Promise<string[]> {
    const rows: { account_id: string }[] = await this.tx.query(
      `SELECT account_id FROM health.account_health WHERE time_dependent
       UNION
       SELECT m.account_id FROM health.meetings m JOIN health.accounts a ON a.id = m.account_id
       WHERE NOT m.cancelled AND m.starts_at > $2 AND m.starts_at <= $2::timestamptz + $1::float8 * interval '1 hour'
       ORDER BY 1`,
      [briefingHours, now],
    );
    return rows.map((r) => r.account_id);
  }

  /** For a replay: empties what is rebuilt from the topic. Health, history, alerts and briefings stay (they are what people were told). */
  async clearRebuiltProjections(): Promise<void> {
    for (const table of ['health.events', 'health.cases', 'health.meetings', 'health.accounts']) await this.tx.query(`DELETE FROM ${table}`);
  }

  /** After a replay: health rows of accounts that no longer exist. */
  async dropOrphanHealth(): Promise<number> {
    const rows = await queryRows(this.tx, 'DELETE FROM health.account_health WHERE account_id NOT IN (SELECT id FROM health.accounts) RETURNING account_id');
    return rows.length;
  }
}
