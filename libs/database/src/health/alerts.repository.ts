import { Injectable } from '@nestjs/common';
import type { HealthReason, HealthState } from '@forewarn/contracts';
import { TxHost } from '../unit-of-work';

export interface NewAlert {
  id: string;
  accountId: string;
  kind: string;
  state: HealthState;
  previousState: HealthState | null;
  score: number;
  reasons: HealthReason[];
  createdAt: Date;
  meetingId: string | null;
}

/** The alerts account-health decided on (`health.alerts`), and the one briefing per meeting (`health.briefings`). */
@Injectable()
export class AlertsRepository {
  constructor(private readonly txHost: TxHost) {}

  private get db() {
    return this.txHost.tx;
  }

  /** Stores the alerts one re-scoring decided on, in one statement. */
  async saveMany(alerts: NewAlert[]): Promise<void> {
    if (alerts.length === 0) return;
    await this.db.query(
      `INSERT INTO health.alerts (id, account_id, kind, state, previous_state, score, reasons, created_at, meeting_id)
       SELECT id, account_id, kind, state, previous_state, score, reasons, created_at, meeting_id
       FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, account_id text, kind text, state text, previous_state text, score int, reasons jsonb, created_at timestamptz, meeting_id text)`,
      [JSON.stringify(alerts.map((a) => ({
        id: a.id, account_id: a.accountId, kind: a.kind, state: a.state, previous_state: a.previousState, score: a.score, reasons: a.reasons, created_at: a.createdAt, meeting_id: a.meetingId,
      })))],
    );
  }

  /** Meetings already briefed, per account. */
  async briefedMeetings(accountIds: string[]): Promise<Map<string, Set<string>>> {
    const rows: { account_id: string; meeting_id: string }[] = await this.db.query('SELECT account_id, meeting_id FROM health.briefings WHERE account_id = ANY($1::text[])', [accountIds]);
    const byAccount = new Map<string, Set<string>>();
    for (const r of rows) byAccount.set(r.account_id, (byAccount.get(r.account_id) ?? new Set()).add(r.meeting_id));
    return byAccount;
  }

  /** Claims the one briefing of a meeting; false when it was already given. */
  async claimBriefing(briefing: { accountId: string; meetingId: string; startsAt: string; alertId: string; state: HealthState; at: Date }): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `INSERT INTO health.briefings (account_id, meeting_id, starts_at, alert_id, state, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (account_id, meeting_id) DO NOTHING RETURNING meeting_id`,
      [briefing.accountId, briefing.meetingId, briefing.startsAt, briefing.alertId, briefing.state, briefing.at],
    );
    return rows.length > 0;
  }
}
