import { Injectable } from '@nestjs/common';
import type { HealthReason, HealthState } from '@forewarn/contracts';
import { TxHost } from '../unit-of-work';

/** An account's health as stored, for deciding what changed. */
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

/** Each account's health now (`health.account_health`) and every change of it (`health.health_history`). */
@Injectable()
export class HealthRepository {
  constructor(private readonly txHost: TxHost) {}

  private get db() {
    return this.txHost.tx;
  }

  /**
   * Current health of each account, locked for this transaction so concurrent writers queue. Rows
   * are locked in byte order of the id (the order the projector sorts and chunks accounts in), so
   * two writers never wait for each other in a cycle.
   */
  async lockCurrent(accountIds: string[]): Promise<Map<string, StoredHealth>> {
    const rows: { account_id: string; score: number; state: HealthState; alerted_state: HealthState | null }[] = await this.db.query(
      'SELECT account_id, score, state, alerted_state FROM health.account_health WHERE account_id = ANY($1::text[]) ORDER BY account_id COLLATE "C" FOR UPDATE',
      [accountIds],
    );
    return new Map(rows.map((r) => [r.account_id, { accountId: r.account_id, score: r.score, state: r.state, alertedState: r.alerted_state }]));
  }

  /** Writes the health of every account scored, and a history point for each that `changed`. */
  async save(rows: HealthRow[], changed: HealthRow[], now: Date, cause: string): Promise<void> {
    if (rows.length === 0) return;
    await this.db.query(
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
    await this.db.query(
      `INSERT INTO health.health_history (account_id, at, score, state, policy_version, cause)
       SELECT a, $4::timestamptz, s, st, v, $6 FROM unnest($1::text[], $2::smallint[], $3::text[], $5::text[]) AS u(a, s, st, v)`,
      [changed.map((r) => r.accountId), changed.map((r) => r.score), changed.map((r) => r.state), now, changed.map((r) => r.policyVersion), cause],
    );
  }

  /**
   * What the sweep re-evaluates: accounts whose health may change with time alone, and those with
   * a meeting inside the briefing window (so this one statement reads the meetings and accounts too).
   */
  async accountsToSweep(briefingHours: number, now: Date): Promise<string[]> {
    const rows: { account_id: string }[] = await this.db.query(
      `SELECT account_id FROM health.account_health WHERE time_dependent
       UNION
       SELECT m.account_id FROM health.meetings m JOIN health.accounts a ON a.id = m.account_id
       WHERE NOT m.cancelled AND m.starts_at > $2 AND m.starts_at <= $2::timestamptz + $1::float8 * interval '1 hour'
       ORDER BY 1`,
      [briefingHours, now],
    );
    return rows.map((r) => r.account_id);
  }

  /** After a replay: drops the health of accounts that no longer exist; returns how many. */
  async dropOrphans(): Promise<number> {
    const [{ n }]: { n: number }[] = await this.db.query(
      `WITH dropped AS (DELETE FROM health.account_health WHERE account_id NOT IN (SELECT id FROM health.accounts) RETURNING account_id)
       SELECT count(*)::int AS n FROM dropped`,
    );
    return n;
  }

  /**
   * Deletes up to `limit` history points from before `cutoff`, except each account's last one
   * before it: the dashboard's chart of a window starts from that point. Returns how many went.
   */
  async deleteHistoryBefore(cutoff: Date, limit: number): Promise<number> {
    // Through a CTE, so the answer is rows alone (an UPDATE or DELETE through TypeORM answers [rows, count]).
    const [{ n }]: { n: number }[] = await this.db.query(
      `WITH gone AS (DELETE FROM health.health_history WHERE id IN (
         SELECT h.id FROM health.health_history h
         WHERE h.at < $1 AND EXISTS (
           SELECT 1 FROM health.health_history later
           WHERE later.account_id = h.account_id AND later.at < $1 AND (later.at, later.id) > (h.at, h.id))
         LIMIT $2)
       RETURNING 1) SELECT count(*)::int AS n FROM gone`,
      [cutoff, limit],
    );
    return n;
  }
}
