import { Injectable } from '@nestjs/common';
import { TxHost } from '@forewarn/database';

/** `NOTIFY_QUIET_HOURS`' default, shown only until the notifier has recorded the defaults it applies. */
const BUILT_IN_QUIET_HOURS = { start: '20:00', end: '07:00' };

export interface StoredPreferences {
  mode: 'immediate' | 'digest';
  quietHours: { start: string; end: string } | null;
  timeZone: string | null;
  chat: { kind: 'slack' | 'teams'; url: string } | null;
  updatedAt: string | null;
}

/** Someone's notification preferences, from the notifier's read views (`notifier.preferences_view`, `notifier.preference_defaults_view`). */
@Injectable()
export class PreferencesReadModel {
  constructor(private readonly txHost: TxHost) {}

  private get db() {
    return this.txHost.tx;
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
