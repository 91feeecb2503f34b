import { Injectable, Module } from '@nestjs/common';
import { TxHost } from '../unit-of-work';

/** A case of an unmapped group, as an admin recognises it. */
export interface UnmappedCase {
  source: string;
  id: string;
  title: string | null;
  lastSeen: string;
}

/** Events whose account is not known yet, grouped by how they name it. */
export interface UnmappedGroup {
  /** How the events name the account: its id, `domain:<domain>` or `external:<id>` (their partition key). */
  key: string;
  /** A name some event gave for the account, if any. */
  name: string | null;
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** Up to five of the event types received. */
  types: string[];
  /** Every source that sent them (`zendesk-eu`, without `/sources/`). */
  sources: string[];
  /** Up to five of their cases, the most recent first. */
  sampleCases: UnmappedCase[];
  /**
   * What "map to account" adds to an account so that it claims this group: the group's domain, or
   * the external ids its events carry per source. Empty when nothing in the events can be mapped
   * (they name only an account id no account has: import or upsert an account with that id).
   */
  references: { domains: string[]; externalRefs: { source: string; id: string }[] };
}

const SAMPLES = 5;
const sourceName = (source: string): string => source.replace(/^\/sources\//, '');

/**
 * The unmapped queue as admin tools read it (`forewarn unmapped list|map`, and the dashboard's
 * "map to account"): account-health's views `health.unmapped_events` and
 * `health.current_health_view`, never its tables.
 */
@Injectable()
export class UnmappedReadModel {
  constructor(private readonly txHost: TxHost) {}

  /** The groups, most recently active first, each with sample cases and what mapping it would add. */
  async groups(limit = 100, key?: string): Promise<UnmappedGroup[]> {
    const rows: {
      key: string; name: string | null; count: number; first_seen: Date; last_seen: Date; types: string[]; sources: string[];
      domains: string[] | null; external_refs: { source: string; id: string }[] | null;
    }[] = await this.txHost.tx.query(
      `SELECT account_key AS key,
              (array_agg(account->>'name' ORDER BY time DESC) FILTER (WHERE account->>'name' IS NOT NULL))[1] AS name,
              count(*)::int AS count, min(time) AS first_seen, max(time) AS last_seen,
              (array_agg(DISTINCT type))[1:5] AS types, array_agg(DISTINCT source) AS sources,
              array_agg(DISTINCT lower(account->>'domain')) FILTER (WHERE account->>'domain' IS NOT NULL) AS domains,
              jsonb_agg(DISTINCT jsonb_build_object('source', source, 'id', account->>'externalId')) FILTER (WHERE account->>'externalId' IS NOT NULL) AS external_refs
       FROM health.unmapped_events
       WHERE $2::text IS NULL OR account_key = $2
       GROUP BY account_key ORDER BY max(time) DESC, account_key LIMIT $1`,
      [Math.max(1, Math.min(1000, limit)), key ?? null],
    );
    if (rows.length === 0) return [];
    const cases: { key: string; source: string; case_id: string; case_title: string | null; last_seen: Date }[] = await this.txHost.tx.query(
      `SELECT key, source, case_id, case_title, last_seen FROM (
         SELECT account_key AS key, source, case_id, (array_agg(case_title ORDER BY time DESC) FILTER (WHERE case_title IS NOT NULL))[1] AS case_title, max(time) AS last_seen,
                row_number() OVER (PARTITION BY account_key ORDER BY max(time) DESC, source, case_id) AS n
         FROM health.unmapped_events WHERE account_key = ANY($1::text[]) AND case_id IS NOT NULL
         GROUP BY account_key, source, case_id
       ) c WHERE n <= $2 ORDER BY key, n`,
      [rows.map((r) => r.key), SAMPLES],
    );
    const samples = new Map<string, UnmappedCase[]>();
    for (const c of cases) samples.set(c.key, [...(samples.get(c.key) ?? []), { source: sourceName(c.source), id: c.case_id, title: c.case_title, lastSeen: c.last_seen.toISOString() }]);
    return rows.map((r) => ({
      key: r.key, name: r.name, count: r.count, firstSeen: r.first_seen.toISOString(), lastSeen: r.last_seen.toISOString(), types: r.types, sources: r.sources.map(sourceName),
      sampleCases: samples.get(r.key) ?? [],
      references: referencesOf(r.key, r.domains ?? [], (r.external_refs ?? []).map((ref) => ({ source: sourceName(ref.source), id: ref.id }))),
    }));
  }

  /** One group by its key; null when no event is unmapped under it (any more). */
  async group(key: string): Promise<UnmappedGroup | null> {
    const [group] = await this.groups(1, key);
    return group ?? null;
  }

  /** An account Forewarn knows (it has health), with its name; null otherwise. */
  async account(accountId: string): Promise<{ id: string; name: string } | null> {
    const [row]: { id: string; name: string }[] = await this.txHost.tx.query('SELECT account_id AS id, name FROM health.current_health_view WHERE account_id = $1', [accountId]);
    return row ?? null;
  }
}

/**
 * What makes an account claim a group: a `domain:` group its domain; an `external:` group its id
 * at each source that sent it; a group named by an account id no account has, the external ids and
 * domains its events carry besides (a Salesforce AccountId is both).
 */
function referencesOf(key: string, domains: string[], externalRefs: { source: string; id: string }[]): UnmappedGroup['references'] {
  if (key.startsWith('domain:')) return { domains: [key.slice('domain:'.length)], externalRefs: [] };
  if (key.startsWith('external:')) {
    const id = key.slice('external:'.length);
    return { domains: [], externalRefs: externalRefs.filter((ref) => ref.id === id) };
  }
  return externalRefs.length > 0 ? { domains: [], externalRefs } : { domains, externalRefs: [] };
}

/** The unmapped queue's read model, for the admin tools that import it (the CLI; the dashboard provides it itself). */
@Module({ providers: [UnmappedReadModel], exports: [UnmappedReadModel] })
export class UnmappedReadModule {}
