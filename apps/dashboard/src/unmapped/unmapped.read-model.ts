import { Injectable } from '@nestjs/common';
import { TxHost } from '@forewarn/database';

export interface UnmappedGroup {
  /** How the events name the account: its id, `domain:<domain>` or `external:<id>`. */
  key: string;
  /** A name some event gave for the account, if any. */
  name: string | null;
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** Up to five of the event types received. */
  types: string[];
  sources: string[];
}

/** Events whose account is not known yet, grouped by how they name it (account-health's read view of events). */
@Injectable()
export class UnmappedReadModel {
  constructor(private readonly txHost: TxHost) {}

  private get db() {
    return this.txHost.tx;
  }

  async groups(limit = 500): Promise<UnmappedGroup[]> {
    const rows: { key: string; name: string | null; count: number; first_seen: Date; last_seen: Date; types: string[]; sources: string[] }[] = await this.db.query(
      `SELECT account_key AS key,
              (array_agg(data->'account'->>'name' ORDER BY time DESC) FILTER (WHERE data->'account'->>'name' IS NOT NULL))[1] AS name,
              count(*)::int AS count, min(time) AS first_seen, max(time) AS last_seen,
              (array_agg(DISTINCT type))[1:5] AS types, (array_agg(DISTINCT source))[1:5] AS sources
       FROM health.events_view WHERE account_id IS NULL
       GROUP BY account_key ORDER BY max(time) DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ key: r.key, name: r.name, count: r.count, firstSeen: r.first_seen.toISOString(), lastSeen: r.last_seen.toISOString(), types: r.types, sources: r.sources }));
  }
}
