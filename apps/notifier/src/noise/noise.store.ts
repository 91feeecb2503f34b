import { DEFAULT_PREFERENCES, type DeliveryMemory, type DigestAccount, type RecipientPreferences } from '@forewarn/alerting';
import type { AccountSnoozed, AlertAcknowledged, AlertKind, ChatChannel, AlertRaised, HealthState, PreferencesUpdated } from '@forewarn/contracts';
import type { EntityManager } from 'typeorm';

/** An account's health now and its next meeting (`health.current_health_view`). */
interface CurrentHealth {
  state: HealthState;
  score: number;
  why: string | null;
  open_cases: number;
  next_meeting_title: string | null;
  next_meeting_starts_at: Date | null;
}

/** What the notifier remembers to keep noise down: acknowledgements, snoozes, preferences, account status. */
export class NoiseStore {
  constructor(private readonly db: EntityManager, private readonly defaults: RecipientPreferences = DEFAULT_PREFERENCES) {}

  async recordAlert(alert: AlertRaised): Promise<void> {
    const { account, state } = alert.data;
    await this.db.query(
      `INSERT INTO notifier.account_status (account_id, lead_email, team, state, alert, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (account_id) DO UPDATE SET lead_email = EXCLUDED.lead_email, team = EXCLUDED.team, state = EXCLUDED.state, alert = EXCLUDED.alert, updated_at = EXCLUDED.updated_at
       WHERE notifier.account_status.updated_at <= EXCLUDED.updated_at`,
      [account.id, account.lead?.email.toLowerCase() ?? null, account.team, state, alert, alert.time],
    );
    // Acknowledgements and snoozes end by themselves when the account recovers.
    if (alert.data.kind === 'all-clear') {
      await this.db.query('DELETE FROM notifier.acknowledgements WHERE account_id = $1', [account.id]);
      await this.db.query('DELETE FROM notifier.snoozes WHERE account_id = $1', [account.id]);
    }
  }

  async acknowledge(ack: AlertAcknowledged): Promise<void> {
    const d = ack.data;
    await this.db.query(
      `INSERT INTO notifier.acknowledgements (account_id, alert_id, state, by_email, by_name, via, at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (account_id) DO UPDATE SET alert_id = EXCLUDED.alert_id, state = EXCLUDED.state, by_email = EXCLUDED.by_email,
         by_name = EXCLUDED.by_name, via = EXCLUDED.via, at = EXCLUDED.at`,
      [d.accountId, d.alertId, d.state, d.by.email.toLowerCase(), d.by.name ?? null, d.via, ack.time],
    );
  }

  async snooze(snooze: AccountSnoozed): Promise<void> {
    const d = snooze.data;
    await this.db.query(
      `INSERT INTO notifier.snoozes (account_id, email, state, until, via, at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (account_id, email) DO UPDATE SET state = EXCLUDED.state, until = EXCLUDED.until, via = EXCLUDED.via, at = EXCLUDED.at`,
      [d.accountId, d.by.email.toLowerCase(), d.state, d.until, d.via, snooze.time],
    );
  }

  async savePreferences(update: PreferencesUpdated): Promise<void> {
    const d = update.data;
    await this.db.query(
      `INSERT INTO notifier.preferences (email, mode, quiet_start, quiet_end, time_zone, chat, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (email) DO UPDATE SET mode = EXCLUDED.mode, quiet_start = EXCLUDED.quiet_start, quiet_end = EXCLUDED.quiet_end,
         time_zone = EXCLUDED.time_zone, chat = EXCLUDED.chat, updated_at = EXCLUDED.updated_at
       WHERE notifier.preferences.updated_at <= EXCLUDED.updated_at`,
      [d.email.toLowerCase(), d.mode, d.quietHours?.start ?? null, d.quietHours?.end ?? null, d.timeZone, d.chat ? JSON.stringify(d.chat) : null, update.time],
    );
  }

  /** The defaults this notifier applies to people who saved none, for the dashboard to show (one row, the last writer's). */
  async saveDefaults(defaults: RecipientPreferences): Promise<void> {
    await this.db.query(
      `INSERT INTO notifier.preference_defaults (singleton, mode, quiet_start, quiet_end, updated_at) VALUES (true, $1, $2, $3, now())
       ON CONFLICT (singleton) DO UPDATE SET mode = EXCLUDED.mode, quiet_start = EXCLUDED.quiet_start, quiet_end = EXCLUDED.quiet_end, updated_at = EXCLUDED.updated_at`,
      [defaults.mode, defaults.quietHours?.start ?? null, defaults.quietHours?.end ?? null],
    );
  }

  async preferences(email: string): Promise<RecipientPreferences> {
    const [row]: { mode: 'immediate' | 'digest'; quiet_start: string | null; quiet_end: string | null; time_zone: string | null; chat: ChatChannel | null }[] = await this.db.query(
      'SELECT mode, quiet_start, quiet_end, time_zone, chat FROM notifier.preferences WHERE email = $1',
      [email],
    );
    if (!row) return this.defaults;
    return { mode: row.mode, quietHours: row.quiet_start && row.quiet_end ? { start: row.quiet_start, end: row.quiet_end } : null, timeZone: row.time_zone, chat: row.chat };
  }

  /** What this recipient was told about this account, and what the team said back. */
  async memory(accountId: string, recipient: string): Promise<DeliveryMemory> {
    const [last]: { kind: AlertKind; state: HealthState; sent_at: Date }[] = await this.db.query(
      `SELECT kind, alert->'data'->>'state' AS state, sent_at FROM notifier.notifications
       WHERE account_id = $1 AND recipient = $2 AND status = 'sent' AND kind <> 'digest' ORDER BY sent_at DESC LIMIT 1`,
      [accountId, recipient],
    );
    const [ack]: { state: HealthState; at: Date }[] = await this.db.query('SELECT state, at FROM notifier.acknowledgements WHERE account_id = $1', [accountId]);
    const [snooze]: { state: HealthState; until: Date }[] = await this.db.query('SELECT state, until FROM notifier.snoozes WHERE account_id = $1 AND email = $2', [accountId, recipient]);
    return {
      lastSent: last ? { kind: last.kind, state: last.state, at: new Date(last.sent_at) } : null,
      acknowledged: ack ? { state: ack.state, at: new Date(ack.at) } : null,
      snoozed: snooze ? { state: snooze.state, until: new Date(snooze.until) } : null,
    };
  }

  /**
   * People who get a digest: leads of accounts that are not healthy, and anyone who asked for
   * digests and is on such an account. With their unhealthy accounts.
   */
  async digestCandidates(): Promise<{ email: string; name: string | null; timeZone: string; accounts: DigestAccount[] }[]> {
    // Who is on each account comes from its last alert; how it is now, from account-health's read view.
    const rows: ({ alert: AlertRaised } & CurrentHealth)[] = await this.db.query(
      `SELECT s.alert, h.state, h.score, h.why, h.open_cases, h.next_meeting_title, h.next_meeting_starts_at
       FROM notifier.account_status s JOIN health.current_health_view h ON h.account_id = s.account_id
       WHERE h.state <> 'healthy'`,
    );
    const digestUsers = new Set(
      ((await this.db.query(`SELECT email FROM notifier.preferences WHERE mode = 'digest'`)) as { email: string }[]).map((r) => r.email),
    );
    const zones = new Map(
      ((await this.db.query(`SELECT email, time_zone FROM notifier.preferences WHERE time_zone IS NOT NULL`)) as { email: string; time_zone: string }[]).map((r) => [r.email, r.time_zone]),
    );
    const byPerson = new Map<string, { email: string; name: string | null; timeZone: string; accounts: DigestAccount[] }>();
    for (const { alert, ...now } of rows) {
      const a = alert.data;
      const people = [
        ...(a.account.lead ? [a.account.lead] : []),
        ...[a.account.owner, ...a.account.members].filter((p) => digestUsers.has(p.email.toLowerCase())),
      ];
      const entry: DigestAccount = {
        id: a.account.id, name: a.account.name, state: now.state, score: now.score, why: now.why, openCases: now.open_cases,
        nextMeeting: now.next_meeting_starts_at ? { title: now.next_meeting_title, startsAt: new Date(now.next_meeting_starts_at).toISOString() } : null,
      };
      for (const person of people) {
        const email = person.email.toLowerCase();
        const slot = byPerson.get(email) ?? { email, name: person.name ?? null, timeZone: zones.get(email) ?? a.account.timezone ?? 'UTC', accounts: [] };
        if (!slot.accounts.some((x) => x.id === entry.id)) slot.accounts.push(entry);
        byPerson.set(email, slot);
      }
    }
    return [...byPerson.values()];
  }
}
