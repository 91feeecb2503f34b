import { Injectable } from '@nestjs/common';
import type { HealthState } from '@forewarn/contracts';
import { TxHost } from '../../unit-of-work';

/** An account's health now and its next meeting, as account-health shows it. */
export interface CurrentHealth {
  accountId: string;
  state: HealthState;
  score: number;
  why: string | null;
  openCases: number;
  nextMeeting: { title: string | null; startsAt: Date } | null;
}

/** The notifier's read of account-health's read view `health.current_health_view` (never its tables). */
@Injectable()
export class CurrentHealthRepository {
  constructor(private readonly txHost: TxHost) {}

  /** Those of these accounts that are not healthy now. */
  async unhealthyAmong(accountIds: string[]): Promise<CurrentHealth[]> {
    if (accountIds.length === 0) return [];
    const rows: { account_id: string; state: HealthState; score: number; why: string | null; open_cases: number; next_meeting_title: string | null; next_meeting_starts_at: Date | null }[] =
      await this.txHost.tx.query(
        `SELECT account_id, state, score, why, open_cases, next_meeting_title, next_meeting_starts_at FROM health.current_health_view
         WHERE account_id = ANY($1::text[]) AND state <> 'healthy'`,
        [accountIds],
      );
    return rows.map((r) => ({
      accountId: r.account_id, state: r.state, score: r.score, why: r.why, openCases: r.open_cases,
      nextMeeting: r.next_meeting_starts_at ? { title: r.next_meeting_title, startsAt: new Date(r.next_meeting_starts_at) } : null,
    }));
  }
}
