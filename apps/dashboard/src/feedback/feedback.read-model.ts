import { Injectable } from '@nestjs/common';
import type { HealthState } from '@forewarn/contracts';
import { type AcknowledgementClaim, TxHost } from '@forewarn/database';

/** `NOTIFY_QUIET_HOURS`' default, shown only until the notifier has recorded the defaults it applies. */
const BUILT_IN_QUIET_HOURS = { start: '20:00', end: '07:00' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AlertRef {
  id: string;
  accountId: string;
  accountName: string;
  kind: string;
  state: HealthState;
  createdAt: string;
}

export interface StoredPreferences {
  mode: 'immediate' | 'digest';
  quietHours: { start: string; end: string } | null;
  timeZone: string | null;
  chat: { kind: 'slack' | 'teams'; url: string } | null;
  updatedAt: string | null;
}

/**
 * Reads the dashboard needs for acknowledgements, snoozes, preferences and resends: account-health's
 * read views of alerts and health, the notifier's of its ledger, acknowledgements, snoozes and preferences.
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

  /**
   * The preferences as the notifier last stored them; for someone who saved none, the defaults the
   * notifier applies (it records them at its start), or the built-in ones before it ever ran.
   */
  async preferences(email: string): Promise<StoredPreferences> {
    const [row] = await this.db.query('SELECT mode, quiet_start, quiet_end, time_zone, chat, updated_at FROM notifier.preferences_view WHERE email = $1', [email.toLowerCase()]);
    if (!row) {
      const [defaults] = await this.db.query('SELECT mode, quiet_start, quiet_end FROM notifier.preference_defaults_view');
      const quietHours = defaults ? (defaults.quiet_start && defaults.quiet_end ? { start: defaults.quiet_start, end: defaults.quiet_end } : null) : BUILT_IN_QUIET_HOURS;
      return { mode: defaults?.mode ?? 'immediate', quietHours, timeZone: null, chat: null, updatedAt: null };
    }
    return {
      mode: row.mode,
      quietHours: row.quiet_start && row.quiet_end ? { start: row.quiet_start, end: row.quiet_end } : null,
      timeZone: row.time_zone,
      chat: row.chat ?? null,
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  }
}
