import { Injectable } from '@nestjs/common';
import type { HealthState } from '@forewarn/contracts';
import { type AcknowledgementClaim, TxHost } from '@forewarn/database';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AlertRef {
  id: string;
  accountId: string;
  accountName: string;
  kind: string;
  state: HealthState;
  createdAt: string;
}

/**
 * Reads the dashboard needs for acknowledgements, snoozes and resends: account-health's read views
 * of alerts and health, the notifier's of its ledger, acknowledgements and snoozes.
 */
@Injectable()
export class FeedbackReadModel {
  constructor(private readonly txHost: TxHost) {}

  private get db() {
    return this.txHost.tx;
  }

  async alert(id: string): Promise<AlertRef | null> {
    if (!UUID.test(id)) return null;
    const [row] = await this.db.query(
      `SELECT a.id, a.account_id AS "accountId", coalesce(acc.name, a.account_id) AS "accountName", a.kind, a.state, a.created_at AS "createdAt"
       FROM health.alerts_view a LEFT JOIN health.accounts_view acc ON acc.id = a.account_id WHERE a.id = $1`,
      [id],
    );
    return row ?? null;
  }

  async accountState(accountId: string): Promise<HealthState> {
    const [row] = await this.db.query('SELECT state FROM health.account_health_view WHERE account_id = $1', [accountId]);
    return row?.state ?? 'healthy';
  }

  async notification(id: string): Promise<{ id: string; accountId: string; status: string } | null> {
    if (!/^\d{1,18}$/.test(id)) return null;
    const [row] = await this.db.query('SELECT id::text, account_id AS "accountId", status FROM notifier.deliveries_view WHERE id = $1', [id]);
    return row ?? null;
  }

  /** Who the notifier says acknowledged the alert (someone may have answered a chat message or a mail it sent). */
  async notifierAcknowledgement(alertId: string): Promise<AcknowledgementClaim | null> {
    const [row]: { alert_id: string; account_id: string; state: HealthState; by_email: string; by_name: string | null; via: string; at: Date }[] = await this.db.query(
      'SELECT alert_id, account_id, state, by_email, by_name, via, at FROM notifier.acknowledgements_view WHERE alert_id = $1',
      [alertId],
    );
    return row ? { alertId: row.alert_id, accountId: row.account_id, state: row.state, by: { email: row.by_email, name: row.by_name }, via: row.via, at: new Date(row.at) } : null;
  }

  /** Until when the notifier holds the account's alerts back for this person, if it does now. */
  async snoozedUntil(accountId: string, email: string): Promise<Date | null> {
    const [row]: { until: Date }[] = await this.db.query('SELECT until FROM notifier.snoozes_view WHERE account_id = $1 AND email = $2 AND until > now()', [accountId, email.toLowerCase()]);
    return row ? new Date(row.until) : null;
  }
}
