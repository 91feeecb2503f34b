import { Injectable } from '@nestjs/common';
import type { HealthState } from '@forewarn/contracts';
import { TxHost, type User } from '@forewarn/database';
import type { CaseSummary } from '../accounts/account.types';
import { visibilitySql } from '../auth/visibility';

/** One of the reader's meetings this week, with its account's state and what became of the briefing. */
export interface WeekMeeting {
  id: string;
  title: string | null;
  startsAt: string;
  kind: string | null;
  account: { id: string; name: string; state: HealthState; score: number; riskPoints: number };
  /** account-health decided a briefing for this meeting. */
  briefed: boolean;
  /** …and the notifier sent it to someone. */
  briefingSent: boolean;
}

/** An account in a firestorm whose last alert nobody acknowledged, with its owner (the rep to talk to). */
export interface UnacknowledgedFirestorm {
  accountId: string;
  accountName: string;
  score: number;
  riskPoints: number;
  owner: { name: string | null; email: string };
  /** When the last alert about it went out (null: none yet). */
  alertedAt: string | null;
}

/** The "my week" page's reads, over account-health's and the notifier's read views. */
@Injectable()
export class WeekReadModel {
  constructor(private readonly txHost: TxHost) {}

  private get db() {
    return this.txHost.tx;
  }

  /** Meetings in the next `days` days of accounts the reader owns or is on, or that they organise. */
  async meetings(user: User, days: number): Promise<WeekMeeting[]> {
    const rows: {
      id: string; title: string | null; starts_at: Date; kind: string | null; account_id: string; account_name: string; state: HealthState; score: number; risk_points: number; briefed: boolean; briefing_sent: boolean;
    }[] = await this.db.query(
      `SELECT m.id, m.title, m.starts_at, m.kind, a.id AS account_id, a.name AS account_name,
              COALESCE(h.state, 'healthy') AS state, COALESCE(h.score, 100)::int AS score, COALESCE(h.risk_points, 0)::int AS risk_points,
              EXISTS (SELECT 1 FROM health.alerts_view b WHERE b.account_id = a.id AND b.kind = 'briefing' AND b.meeting_id = m.id) AS briefed,
              EXISTS (SELECT 1 FROM health.alerts_view b JOIN notifier.deliveries_view d ON d.alert_id = b.id::text
                      WHERE b.account_id = a.id AND b.kind = 'briefing' AND b.meeting_id = m.id AND d.status = 'sent') AS briefing_sent
       FROM health.meetings_view m
       JOIN health.accounts_view a ON a.id = m.account_id
       LEFT JOIN health.account_health_view h ON h.account_id = a.id
       WHERE NOT m.cancelled AND m.starts_at > now() AND m.starts_at <= now() + make_interval(days => $2)
         AND (lower(a.owner_email) = $1 OR a.member_emails @> ARRAY[$1::text] OR lower(m.organizer->>'email') = $1)
       ORDER BY m.starts_at, a.name LIMIT 200`,
      [user.email.toLowerCase(), days],
    );
    return rows.map((r) => ({
      id: r.id, title: r.title, startsAt: r.starts_at.toISOString(), kind: r.kind,
      account: { id: r.account_id, name: r.account_name, state: r.state, score: r.score, riskPoints: r.risk_points },
      briefed: r.briefed, briefingSent: r.briefing_sent,
    }));
  }

  /** The open cases of these accounts, for each one's next step. */
  async openCases(accountIds: string[]): Promise<Map<string, CaseSummary[]>> {
    const byAccount = new Map<string, CaseSummary[]>();
    if (accountIds.length === 0) return byAccount;
    const rows: { account_id: string; id: string; title: string | null; severity: number | null; status: string; escalation_level: number; assignee: string | null; rejections: number }[] = await this.db.query(
      `SELECT account_id, id, title, severity, status, escalation_level, assignee, rejections FROM health.cases_view WHERE account_id = ANY($1::text[]) AND is_open`,
      [accountIds],
    );
    for (const r of rows) {
      const summary: CaseSummary = {
        id: r.id, title: r.title, url: null, severity: r.severity, status: r.status, escalationLevel: r.escalation_level, product: null, assignee: r.assignee,
        openedAt: null, lastActivityAt: null, resolvedAt: null, isOpen: true, handoffs: 0, reopenCount: 0, slaBreaches: 0, rejections: r.rejections,
      };
      byAccount.set(r.account_id, [...(byAccount.get(r.account_id) ?? []), summary]);
    }
    return byAccount;
  }

  /**
   * For a lead: the accounts they can see in a firestorm whose last alert nobody acknowledged (by
   * link, API or page), worst first.
   */
  async unacknowledgedFirestorms(user: User): Promise<UnacknowledgedFirestorm[]> {
    const params: unknown[] = [];
    const visible = visibilitySql(user, params);
    const rows: { account_id: string; account_name: string; score: number; risk_points: number; owner_name: string | null; owner_email: string; alerted_at: Date | null }[] = await this.db.query(
      `SELECT a.id AS account_id, a.name AS account_name, h.score, h.risk_points, a.owner_name, a.owner_email, al.created_at AS alerted_at
       FROM health.account_health_view h JOIN health.accounts_view a ON a.id = h.account_id
       LEFT JOIN LATERAL (SELECT id, created_at FROM health.alerts_view WHERE account_id = a.id AND kind IN ('heads-up', 'briefing') ORDER BY created_at DESC LIMIT 1) al ON TRUE
       WHERE h.state = 'firestorm' AND ${visible}
         AND NOT EXISTS (SELECT 1 FROM notifier.acknowledgements_view n WHERE n.alert_id = al.id::text)
         AND NOT EXISTS (SELECT 1 FROM dashboard.acknowledgements d WHERE d.alert_id = al.id::text)
       ORDER BY h.score, h.risk_points DESC, a.name LIMIT 200`,
      params,
    );
    return rows.map((r) => ({
      accountId: r.account_id, accountName: r.account_name, score: r.score, riskPoints: r.risk_points, owner: { name: r.owner_name, email: r.owner_email },
      alertedAt: r.alerted_at ? r.alerted_at.toISOString() : null,
    }));
  }
}
