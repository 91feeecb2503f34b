import { Injectable } from '@nestjs/common';
import { type CaseState, emptyCase } from '@forewarn/health';
import { TxHost } from '../unit-of-work';
import { groupBy, type Subject, subjectKey } from './subjects';

/** A case folded by an older version lacks newer fields until its next event (or a replay) folds it again. */
const withDefaults = (state: CaseState): CaseState => ({
  ...emptyCase(state.id),
  ...state,
  worstSeverity: state.worstSeverity ?? state.severity,
  peakEscalationLevel: Math.max(state.peakEscalationLevel ?? 0, state.escalationLevel),
  customerComments: state.customerComments.map((c) => ({ ...c, sentiment: c.sentiment ?? 0 })),
});

/** Support cases (`health.cases`): each one's folded state, and the columns the dashboard filters by. */
@Injectable()
export class CasesRepository {
  constructor(private readonly txHost: TxHost) {}

  private get db() {
    return this.txHost.tx;
  }

  /**
   * Locks the cases about to be folded (creating placeholder rows for new ones, so a concurrent
   * batch about the same case waits for this one and then sees its events) and returns the
   * stored states, and which cases this transaction created: no committed event belongs to
   * those, because every transaction that maps a case's event creates or locks its row.
   * Both by `subjectKey`.
   */
  async lock(subjects: Subject[]): Promise<{ states: Map<string, CaseState>; created: Set<string> }> {
    const states = new Map<string, CaseState>();
    const created = new Set<string>();
    if (subjects.length === 0) return { states, created };
    const sorted = [...subjects].sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : a.subjectId < b.subjectId ? -1 : a.subjectId > b.subjectId ? 1 : 0));
    const params = [sorted.map((s) => s.accountId), sorted.map((s) => s.subjectId)];
    const inserted: { account_id: string; id: string }[] = await this.db.query(
      `INSERT INTO health.cases (account_id, id, status, is_open, state)
       SELECT a, i, 'open', false, '{}'::jsonb FROM unnest($1::text[], $2::text[]) AS u(a, i) ORDER BY a, i
       ON CONFLICT (account_id, id) DO NOTHING
       RETURNING account_id, id`,
      params,
    );
    for (const row of inserted) created.add(subjectKey(row.account_id, row.id));
    const rows: { account_id: string; id: string; state: Partial<CaseState> }[] = await this.db.query(
      `SELECT c.account_id, c.id, c.state FROM health.cases c JOIN unnest($1::text[], $2::text[]) AS u(a, i) ON c.account_id = u.a AND c.id = u.i
       ORDER BY c.account_id, c.id FOR UPDATE OF c`,
      params,
    );
    for (const row of rows) if (row.state.id !== undefined) states.set(subjectKey(row.account_id, row.id), withDefaults(row.state as CaseState));
    return { states, created };
  }

  async save(cases: { accountId: string; state: CaseState; isOpen: boolean }[]): Promise<void> {
    if (cases.length === 0) return;
    await this.db.query(
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

  /** Open cases, and those resolved within `recentDays` (resolved problems still weigh for a while). */
  async ofAccounts(accountIds: string[], recentDays: number, now: Date): Promise<Map<string, CaseState[]>> {
    const rows: { account_id: string; state: CaseState }[] = await this.db.query(
      `SELECT account_id, state FROM health.cases
       WHERE account_id = ANY($1::text[]) AND (is_open OR resolved_at > $3::timestamptz - $2::float8 * interval '1 day')
       ORDER BY account_id, id`,
      [accountIds, recentDays, now],
    );
    const byAccount = new Map<string, CaseState[]>();
    for (const [accountId, list] of groupBy(rows, (r) => r.account_id)) byAccount.set(accountId, list.map((r) => withDefaults(r.state)));
    return byAccount;
  }

  async count(): Promise<number> {
    const [{ n }]: { n: number }[] = await this.db.query('SELECT count(*)::int AS n FROM health.cases');
    return n;
  }

  /** For a replay, which folds every case again. */
  async deleteAll(): Promise<void> {
    await this.db.query('DELETE FROM health.cases');
  }
}
