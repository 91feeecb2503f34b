import { Injectable } from '@nestjs/common';
import type { HealthState } from '@forewarn/contracts';
import { TxHost, type User } from '@forewarn/database';
import type { AlertView, Delivery, TeamFeedback } from './alert.types';
import { visibilitySql } from '../auth/visibility';

export interface AlertFilters {
  accountId: string | null;
  kinds: string[];
  /** The account's state the alert was about (empty: any). */
  states?: HealthState[];
  /** Acknowledged (by anyone, by link, API or page) or not; null: both. */
  acknowledged?: boolean | null;
  limit: number;
}

const iso = (value: Date | null): string | null => (value === null ? null : value.toISOString());

interface AckRow {
  ack_email: string | null;
  ack_name: string | null;
  ack_at: Date | null;
  ack_via: string | null;
}

/**
 * Alerts (account-health's read view `health.alerts_view`) with who the notifier says acknowledged
 * them, who was told and how that went (the notifier's read views).
 */
@Injectable()
export class AlertsReadModel {
  constructor(private readonly txHost: TxHost) {}

  private get db() {
    return this.txHost.tx;
  }

  /** Acknowledgement and snoozes of one account (the notifier's read views); nothing when the notifier has not created them yet. */
  async feedback(accountId: string): Promise<TeamFeedback> {
    try {
      const acks: { alert_id: string; state: HealthState; by_email: string; by_name: string | null; via: string; at: Date }[] = await this.db.query(
        'SELECT alert_id, state, by_email, by_name, via, at FROM notifier.acknowledgements_view WHERE account_id = $1',
        [accountId],
      );
      const snoozes: { email: string; state: HealthState; until: Date; via: string; at: Date }[] = await this.db.query(
        'SELECT email, state, until, via, at FROM notifier.snoozes_view WHERE account_id = $1 AND until > now() ORDER BY until',
        [accountId],
      );
      const ack = acks[0];
      return {
        acknowledgement: ack ? { alertId: ack.alert_id, state: ack.state, by: { name: ack.by_name, email: ack.by_email }, via: ack.via, at: ack.at.toISOString() } : null,
        snoozes: snoozes.map((z) => ({ email: z.email, state: z.state, until: z.until.toISOString(), via: z.via, at: z.at.toISOString() })),
      };
    } catch (error) {
      if ((error as { code?: string }).code === '42P01') return { acknowledgement: null, snoozes: [] }; // undefined table
      throw error;
    }
  }

  /** Newest first, only for accounts the user can see; `acknowledged` as far as the notifier knows. */
  async list(user: User, filters: AlertFilters): Promise<AlertView[]> {
    const params: unknown[] = [];
    const where = [visibilitySql(user, params)];
    if (filters.accountId) {
      params.push(filters.accountId);
      where.push(`al.account_id = $${params.length}`);
    }
    if (filters.kinds.length) {
      params.push(filters.kinds);
      where.push(`al.kind = ANY($${params.length}::text[])`);
    }
    if (filters.states?.length) {
      params.push(filters.states);
      where.push(`al.state = ANY($${params.length}::text[])`);
    }
    // Acknowledged as far as the notifier knows, or the dashboard published (it may not have reached the notifier yet).
    const acknowledged = '(n.alert_id IS NOT NULL OR EXISTS (SELECT 1 FROM dashboard.acknowledgements d WHERE d.alert_id = al.id::text))';
    if (filters.acknowledged === true) where.push(acknowledged);
    if (filters.acknowledged === false) where.push(`NOT ${acknowledged}`);
    params.push(filters.limit);
    const rows: ({ id: string; account_id: string; account_name: string; kind: string; state: HealthState; previous_state: HealthState | null; score: number; headline: string | null; created_at: Date } & AckRow)[] =
      await this.db.query(
        `SELECT al.id::text AS id, al.account_id, a.name AS account_name, al.kind, al.state, al.previous_state, al.score, al.headline, al.created_at,
                n.by_email AS ack_email, n.by_name AS ack_name, n.at AS ack_at, n.via AS ack_via
         FROM health.alerts_view al JOIN health.accounts_view a ON a.id = al.account_id
         LEFT JOIN notifier.acknowledgements_view n ON n.alert_id = al.id::text
         WHERE ${where.join(' AND ')}
         ORDER BY al.created_at DESC, al.id
         LIMIT $${params.length}`,
        params,
      );
    const deliveries = await this.deliveries(rows.map((r) => r.id));
    return rows.map((r) => ({
      id: r.id, accountId: r.account_id, accountName: r.account_name, kind: r.kind, state: r.state, previousState: r.previous_state, score: r.score,
      createdAt: r.created_at.toISOString(), headline: r.headline,
      acknowledged: r.ack_email && r.ack_at ? { by: { email: r.ack_email, name: r.ack_name }, at: r.ack_at.toISOString(), via: r.ack_via ?? 'dashboard' } : null,
      deliveries: deliveries.get(r.id) ?? [],
    }));
  }

  /** One row per recipient of each alert, from the notifier's read view of its ledger. */
  private async deliveries(alertIds: string[]): Promise<Map<string, Delivery[]>> {
    const byAlert = new Map<string, Delivery[]>();
    if (alertIds.length === 0) return byAlert;
    const rows: {
      id: string; alert_id: string; recipient: string; recipient_name: string | null; role: string | null; note: string | null; status: string; attempts: number; sent_at: Date | null; last_error: string | null;
      resend_count: number; resend_requested_at: Date | null; resend_requested_by: string | null; resent_at: Date | null;
    }[] = await this.db.query(
      `SELECT n.id::text AS id, n.alert_id, n.recipient, n.recipient_name, n.recipient_role AS role, n.outcome_note AS note, n.status, n.attempts, n.sent_at, n.last_error,
              n.resend_count, n.resend_requested_at, n.resend_requested_by, n.resent_at
       FROM notifier.deliveries_view n WHERE n.alert_id = ANY($1::text[]) ORDER BY n.alert_id, n.id`,
      [alertIds],
    );
    for (const r of rows) {
      const delivery: Delivery = {
        id: r.id, recipient: r.recipient, recipientName: r.recipient_name, role: r.role, status: r.status, attempts: r.attempts, sentAt: iso(r.sent_at), lastError: r.last_error, note: r.note,
        resends: { count: r.resend_count, lastRequestedAt: iso(r.resend_requested_at), lastRequestedBy: r.resend_requested_by, lastSentAt: iso(r.resent_at) },
      };
      byAlert.set(r.alert_id, [...(byAlert.get(r.alert_id) ?? []), delivery]);
    }
    return byAlert;
  }
}
