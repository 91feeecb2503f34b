import { Injectable } from '@nestjs/common';
import { TxHost } from '@forewarn/database';
import { type AccountEvent, eventKey } from '@forewarn/health';

/** What the policy page and its backtest read of account-health: its views `policy_in_use_view` and `events_view`. */
@Injectable()
export class PolicyReadModel {
  constructor(private readonly txHost: TxHost) {}

  /** The health policy account-health runs with, as it recorded it; null when it never ran on this database. */
  async inUse(): Promise<{ version: string; policy: unknown; source: string; since: Date } | null> {
    const [row]: { version: string; policy: unknown; source: string; since: Date }[] = await this.txHost.tx.query('SELECT version, policy, source, since FROM health.policy_in_use_view');
    return row ?? null;
  }

  /** Accounts with events up to `until` (at most `limit`, by id): what a backtest replays. */
  async accountsWithEvents(until: Date, limit: number): Promise<string[]> {
    const rows: { account_id: string }[] = await this.txHost.tx.query(
      'SELECT DISTINCT account_id FROM health.events_view WHERE account_id IS NOT NULL AND time <= $1 ORDER BY account_id LIMIT $2',
      [until, limit],
    );
    return rows.map((r) => r.account_id);
  }

  /** An account's events up to `until`, in the order they happened (as `forewarn backtest` reads them). */
  async eventsOfAccount(accountId: string, until: Date): Promise<AccountEvent[]> {
    const rows: { source: string; id: string; type: AccountEvent['type']; time: Date; seq: string; data: unknown }[] = await this.txHost.tx.query(
      'SELECT source, id, type, time, seq, data FROM health.events_view WHERE account_id = $1 AND time <= $2 ORDER BY time, seq',
      [accountId, until],
    );
    return rows.map((r) => ({ key: eventKey(r.source, r.id), type: r.type, time: r.time.toISOString(), seq: Number(r.seq), data: r.data }));
  }
}
