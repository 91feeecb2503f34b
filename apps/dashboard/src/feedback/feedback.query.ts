import { Inject, Injectable } from '@nestjs/common';
import type { HealthState } from '@forewarn/contracts';
import { DataSource } from 'typeorm';

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

/** Reads the dashboard needs for acknowledgements, snoozes, preferences and resends. */
@Injectable()
export class FeedbackQuery {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async alert(id: string): Promise<AlertRef | null> {
    if (!UUID.test(id)) return null;
    const [row] = await this.db.query(
      `SELECT a.id, a.account_id AS "accountId", coalesce(acc.name, a.account_id) AS "accountName", a.kind, a.state, a.created_at AS "createdAt"
       FROM health.alerts a LEFT JOIN health.accounts acc ON acc.id = a.account_id WHERE a.id = $1`,
      [id],
    );
    return row ?? null;
  }

  async accountState(accountId: string): Promise<HealthState> {
    const [row] = await this.db.query('SELECT state FROM health.account_health WHERE account_id = $1', [accountId]);
    return row?.state ?? 'healthy';
  }

  async notification(id: string): Promise<{ id: string; accountId: string; status: string } | null> {
    if (!/^\d{1,18}$/.test(id)) return null;
    const [row] = await this.db.query('SELECT id::text, account_id AS "accountId", status FROM notifier.deliveries_view WHERE id = $1', [id]);
    return row ?? null;
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
