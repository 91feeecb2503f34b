import type { AccountUpsertedData, AlertCase, HealthReason, HealthState, InboundEvent } from '@forewarn/contracts';
import type { CaseFact, CaseState, MeetingFact, MeetingState } from '@forewarn/health';
import { queryRows } from '@forewarn/database';
import type { EntityManager } from 'typeorm';

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
}

export interface OutboxRow {
  topic: 'health' | 'alerts';
  key: string;
  value: unknown;
}

export interface NextMeeting {
  accountId: string;
  id: string;
  title: string | null;
  startsAt: string;
  kind: string | null;
  organizer: { name?: string; email: string } | null;
}

const subjectOf = (event: InboundEvent): string | null => {
  if (event.type === 'forewarn.account.upserted') return event.data.id;
  if (event.type.startsWith('forewarn.meeting.')) return (event.data as { meeting: { id: string } }).meeting.id;
  return (event.data as { case?: { id: string } }).case?.id ?? null;
};

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

/**
 * The SQL of the account-health projections. Every method takes the batch's transaction, and
 * the batch paths use set-based statements (`unnest`) rather than a statement per row.
 */
export class ProjectionStore {
  constructor(private readonly tx: EntityManager) {}

  /** Stores events once per source+id; returns only the ones that were new. */
  async insertEvents(events: { event: InboundEvent; accountKey: string }[]): Promise<NewEvent[]> {
    if (events.length === 0) return [];
    const rows: { source: string; id: string; seq: string; type: InboundEvent['type']; account_key: string; subject_id: string | null }[] = await this.tx.query(
      `INSERT INTO health.events (source, id, type, account_key, subject_id, time, received_at, payload)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::jsonb[])
       ON CONFLICT (source, id) DO NOTHING
       RETURNING source, id, seq, type, account_key, subject_id`,
      [
        events.map((e) => e.event.source),
        events.map((e) => e.event.id),
        events.map((e) => e.event.type),
        events.map((e) => e.accountKey),
        events.map((e) => subjectOf(e.event)),
        events.map((e) => e.event.time),
        events.map((e) => e.event.forewarnreceivedat),
        events.map((e) => JSON.stringify(e.event)),
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

  /** Finds the account an event refers to: by id, by email domain, or by a source's external id. */
  async resolveAccount(accountKey: string, source: string): Promise<string | null> {
    let rows: { id: string }[];
    if (accountKey.startsWith('domain:')) {
      rows = await this.tx.query('SELECT id FROM health.accounts WHERE domains @> ARRAY[$1::text] ORDER BY id LIMIT 1', [accountKey.slice('domain:'.length)]);
    } else if (accountKey.startsWith('external:')) {
      const ref = JSON.stringify([{ source: source.replace(/^\/sources\//, ''), id: accountKey.slice('external:'.length) }]);
      rows = await this.tx.query('SELECT id FROM health.accounts WHERE external_refs @> $1::jsonb ORDER BY id LIMIT 1', [ref]);
    } else {
      rows = await this.tx.query('SELECT id FROM health.accounts WHERE id = $1', [accountKey]);
    }
    return rows[0]?.id ?? null;
  }

  async assignAccount(events: { source: string; id: string; accountId: string }[]): Promise<void> {
    if (events.length === 0) return;
    await this.tx.query(
      `UPDATE health.events e SET account_id = v.account_id
       FROM unnest($1::text[], $2::text[], $3::text[]) AS v(source, id, account_id)
       WHERE e.source = v.source AND e.id = v.id`,
      [events.map((e) => e.source), events.map((e) => e.id), events.map((e) => e.accountId)],
    );
  }

  /** Events that waited unmapped for this account (by id, domain or external id) now belong to it. */
  async claimUnmapped(account: AccountUpsertedData): Promise<{ type: InboundEvent['type']; subjectId: string | null }[]> {
    return queryRows(
      this.tx,
      `UPDATE health.events SET account_id = $1
       WHERE account_id IS NULL AND (account_key = $1 OR account_key = ANY($2::text[]) OR (account_key || '|' || source) = ANY($3::text[]))
       RETURNING type, subject_id AS "subjectId"`,
      [account.id, account.domains.map((d) => `domain:${d}`), account.externalRefs.map((r) => `external:${r.id}|/sources/${r.source}`)],
    );
  }

  async caseFacts(subjects: { accountId: string; subjectId: string }[]): Promise<Map<string, CaseFact[]>> {
    return this.facts<CaseFact>(subjects, `(type LIKE 'forewarn.case.%' OR type = 'forewarn.survey.responded')`);
  }

  async meetingFacts(subjects: { accountId: string; subjectId: string }[]): Promise<Map<string, MeetingFact[]>> {
    return this.facts<MeetingFact>(subjects, `type LIKE 'forewarn.meeting.%'`);
  }

  private async facts<T>(subjects: { accountId: string; subjectId: string }[], typeFilter: string): Promise<Map<string, T[]>> {
    const byKey = new Map<string, T[]>();
    if (subjects.length === 0) return byKey;
    const rows: { account_id: string; subject_id: string; type: string; time: Date; seq: string; data: unknown }[] = await this.tx.query(
      `SELECT e.account_id, e.subject_id, e.type, e.time, e.seq, e.payload->'data' AS data
       FROM health.events e JOIN unnest($1::text[], $2::text[]) AS s(account_id, subject_id)
         ON e.account_id = s.account_id AND e.subject_id = s.subject_id
       WHERE ${typeFilter}`,
      [subjects.map((s) => s.accountId), subjects.map((s) => s.subjectId)],
    );
    for (const row of rows) {
      const key = `${row.account_id}\u0000${row.subject_id}`;
      const fact = { type: row.type, time: row.time.toISOString(), seq: Number(row.seq), data: row.data } as T;
      byKey.set(key, [...(byKey.get(key) ?? []), fact]);
    }
    return byKey;
  }

  async saveCases(cases: { accountId: string; state: CaseState; isOpen: boolean }[]): Promise<void> {
    if (cases.length === 0) return;
    await this.tx.query(
      `INSERT INTO health.cases (account_id, id, title, url, severity, status, escalation_level, product, assignee, opened_at, last_activity_at, resolved_at, is_open, state, updated_at)
       SELECT *, now() FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::smallint[], $6::text[], $7::smallint[], $8::text[], $9::text[],
                                   $10::timestamptz[], $11::timestamptz[], $12::timestamptz[], $13::boolean[], $14::jsonb[])
       ON CONFLICT (account_id, id) DO UPDATE SET title = EXCLUDED.title, url = EXCLUDED.url, severity = EXCLUDED.severity, status = EXCLUDED.status,
         escalation_level = EXCLUDED.escalation_level, product = EXCLUDED.product, assignee = EXCLUDED.assignee, opened_at = EXCLUDED.opened_at,
         last_activity_at = EXCLUDED.last_activity_at, resolved_at = EXCLUDED.resolved_at, is_open = EXCLUDED.is_open, state = EXCLUDED.state, updated_at = now()`,
      [
        cases.map((c) => c.accountId), cases.map((c) => c.state.id), cases.map((c) => c.state.title), cases.map((c) => c.state.url),
        cases.map((c) => c.state.severity), cases.map((c) => c.state.status), cases.map((c) => c.state.escalationLevel),
        cases.map((c) => c.state.product), cases.map((c) => c.state.assignee), cases.map((c) => c.state.openedAt),
        cases.map((c) => c.state.lastActivityAt), cases.map((c) => c.state.resolvedAt), cases.map((c) => c.isOpen),
        cases.map((c) => JSON.stringify(c.state)),
      ],
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
  async casesOf(accountIds: string[], recentDays: number): Promise<Map<string, CaseState[]>> {
    const rows: { account_id: string; state: CaseState }[] = await this.tx.query(
      `SELECT account_id, state FROM health.cases
       WHERE account_id = ANY($1::text[]) AND (is_open OR resolved_at > now() - make_interval(days => $2))`,
      [accountIds, recentDays],
    );
    const byAccount = new Map<string, CaseState[]>();
    for (const row of rows) byAccount.set(row.account_id, [...(byAccount.get(row.account_id) ?? []), row.state]);
    return byAccount;
  }

  async accounts(accountIds: string[]): Promise<Map<string, StoredAccount>> {
    const rows: { id: string; name: string; owner_name: string | null; owner_email: string; lead_name: string | null; lead_email: string | null; members: StoredAccount['members']; team: string | null; timezone: string | null }[] =
      await this.tx.query('SELECT id, name, owner_name, owner_email, lead_name, lead_email, members, team, timezone FROM health.accounts WHERE id = ANY($1::text[])', [accountIds]);
    return new Map(rows.map((r) => [r.id, { id: r.id, name: r.name, ownerName: r.owner_name, ownerEmail: r.owner_email, leadName: r.lead_name, leadEmail: r.lead_email, members: r.members, team: r.team, timezone: r.timezone }]));
  }

  /** Current health of each account, locked for this transaction so concurrent writers queue. */
  async healthOf(accountIds: string[]): Promise<Map<string, StoredHealth>> {
    const rows: { account_id: string; score: number; state: HealthState; alerted_state: HealthState | null }[] = await this.tx.query(
      'SELECT account_id, score, state, alerted_state FROM health.account_health WHERE account_id = ANY($1::text[]) ORDER BY account_id FOR UPDATE',
      [accountIds],
    );
    return new Map(rows.map((r) => [r.account_id, { accountId: r.account_id, score: r.score, state: r.state, alertedState: r.alerted_state }]));
  }

  async nextMeetings(accountIds: string[]): Promise<Map<string, NextMeeting>> {
    const rows: { account_id: string; id: string; title: string | null; starts_at: Date; kind: string | null; organizer: NextMeeting['organizer'] }[] = await this.tx.query(
      `SELECT DISTINCT ON (account_id) account_id, id, title, starts_at, kind, organizer FROM health.meetings
       WHERE account_id = ANY($1::text[]) AND NOT cancelled AND starts_at > now() ORDER BY account_id, starts_at`,
      [accountIds],
    );
    return new Map(rows.map((r) => [r.account_id, { accountId: r.account_id, id: r.id, title: r.title, startsAt: r.starts_at.toISOString(), kind: r.kind, organizer: r.organizer?.email ? r.organizer : null }]));
  }

  async saveHealth(rows: HealthRow[], changed: HealthRow[], now: Date): Promise<void> {
    if (rows.length === 0) return;
    await this.tx.query(
      `INSERT INTO health.account_health (account_id, score, state, reasons, open_cases, open_escalations, alerted_state, updated_at)
       SELECT *, $8::timestamptz FROM unnest($1::text[], $2::smallint[], $3::text[], $4::jsonb[], $5::int[], $6::int[], $7::text[])
       ON CONFLICT (account_id) DO UPDATE SET score = EXCLUDED.score, state = EXCLUDED.state, reasons = EXCLUDED.reasons, open_cases = EXCLUDED.open_cases,
         open_escalations = EXCLUDED.open_escalations, alerted_state = EXCLUDED.alerted_state, updated_at = EXCLUDED.updated_at`,
      [rows.map((r) => r.accountId), rows.map((r) => r.score), rows.map((r) => r.state), rows.map((r) => JSON.stringify(r.reasons)),
        rows.map((r) => r.openCases), rows.map((r) => r.openEscalations), rows.map((r) => r.alertedState), now],
    );
    if (changed.length === 0) return;
    await this.tx.query(
      `INSERT INTO health.health_history (account_id, at, score, state)
       SELECT a, $4::timestamptz, s, st FROM unnest($1::text[], $2::smallint[], $3::text[]) AS v(a, s, st)`,
      [changed.map((r) => r.accountId), changed.map((r) => r.score), changed.map((r) => r.state), now],
    );
  }

  async saveAlert(alert: { id: string; accountId: string; kind: string; state: HealthState; previousState: HealthState | null; score: number; reasons: HealthReason[]; createdAt: Date }): Promise<void> {
    await this.tx.query(
      'INSERT INTO health.alerts (id, account_id, kind, state, previous_state, score, reasons, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [alert.id, alert.accountId, alert.kind, alert.state, alert.previousState, alert.score, JSON.stringify(alert.reasons), alert.createdAt],
    );
  }

  async openCaseSummaries(accountId: string): Promise<AlertCase[]> {
    const rows: { id: string; title: string | null; url: string | null; severity: number | null; status: string; escalation_level: number; opened_at: Date | null; assignee: string | null }[] =
      await this.tx.query(
        `SELECT id, title, url, severity, status, escalation_level, opened_at, assignee FROM health.cases
         WHERE account_id = $1 AND is_open ORDER BY severity NULLS LAST, escalation_level DESC, opened_at LIMIT 20`,
        [accountId],
      );
    return rows.map((r) => ({ id: r.id, title: r.title, url: r.url, severity: r.severity, status: r.status, escalationLevel: r.escalation_level, openedAt: iso(r.opened_at), assignee: r.assignee }));
  }

  async enqueue(messages: OutboxRow[]): Promise<void> {
    if (messages.length === 0) return;
    await this.tx.query(
      'INSERT INTO health.outbox (topic, key, value) SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])',
      [messages.map((m) => m.topic), messages.map((m) => m.key), messages.map((m) => JSON.stringify(m.value))],
    );
  }
}
