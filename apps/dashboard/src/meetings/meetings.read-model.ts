import { Injectable } from '@nestjs/common';
import type { HealthState } from '@forewarn/contracts';
import { TxHost, type User } from '@forewarn/database';
import { visibilitySql } from '../auth/visibility';

export interface UpcomingMeeting {
  id: string;
  title: string | null;
  startsAt: string;
  endsAt: string | null;
  kind: string | null;
  organizer: { name?: string; email?: string } | null;
  account: { id: string; name: string; state: HealthState; score: number; openEscalations: number; owner: { name: string | null; email: string } };
}

/** Meetings coming up with the accounts a user can see, each with that account's state (account-health's read views). */
@Injectable()
export class MeetingsReadModel {
  constructor(private readonly txHost: TxHost) {}

  private get db() {
    return this.txHost.tx;
  }

  /** `states`: only meetings with accounts in these states; `null` for all. */
  async upcoming(user: User, options: { withinDays: number; states: HealthState[] | null }): Promise<UpcomingMeeting[]> {
    const params: unknown[] = [options.withinDays];
    const where = [
      'NOT m.cancelled',
      'm.starts_at > now()',
      `m.starts_at <= now() + make_interval(days => $1)`,
      visibilitySql(user, params),
    ];
    if (options.states) {
      params.push(options.states);
      where.push(`COALESCE(h.state, 'healthy') = ANY($${params.length}::text[])`);
    }
    const rows: {
      id: string; title: string | null; starts_at: Date; ends_at: Date | null; kind: string | null; organizer: UpcomingMeeting['organizer'];
      account_id: string; account_name: string; state: HealthState; score: number; open_escalations: number; owner_name: string | null; owner_email: string;
    }[] = await this.db.query(
      `SELECT m.id, m.title, m.starts_at, m.ends_at, m.kind, m.organizer, a.id AS account_id, a.name AS account_name,
              COALESCE(h.state, 'healthy') AS state, COALESCE(h.score, 100)::int AS score, COALESCE(h.open_escalations, 0)::int AS open_escalations,
              a.owner_name, a.owner_email
       FROM health.meetings_view m
       JOIN health.accounts_view a ON a.id = m.account_id
       LEFT JOIN health.account_health_view h ON h.account_id = a.id
       WHERE ${where.join(' AND ')}
       ORDER BY m.starts_at, a.name
       LIMIT 500`,
      params,
    );
    return rows.map((r) => ({
      id: r.id, title: r.title, startsAt: r.starts_at.toISOString(), endsAt: r.ends_at ? r.ends_at.toISOString() : null, kind: r.kind, organizer: r.organizer,
      account: { id: r.account_id, name: r.account_name, state: r.state, score: r.score, openEscalations: r.open_escalations, owner: { name: r.owner_name, email: r.owner_email } },
    }));
  }
}
