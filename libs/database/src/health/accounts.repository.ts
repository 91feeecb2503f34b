import { Injectable } from '@nestjs/common';
import type { AccountRef, AccountReferenceAddedData, AccountUpsertedData } from '@forewarn/contracts';
import type { AccountProfile } from '@forewarn/health';
import { TxHost } from '../unit-of-work';

/** An account as scoring and alert messages need it. */
export interface StoredAccount {
  id: string;
  name: string;
  ownerName: string | null;
  ownerEmail: string;
  leadName: string | null;
  leadEmail: string | null;
  members: { name?: string; email: string }[];
  team: string | null;
  timezone: string | null;
  profile: AccountProfile;
}

/** What events may name an account by, besides its id: the sources' external ids and its email domains. */
export interface AccountReferences {
  id: string;
  domains: string[];
  externalRefs: { source: string; id: string }[];
}

/**
 * Customer accounts (`health.accounts`), as the newest `account.upserted` of each left them, and
 * the references that map events to them.
 */
@Injectable()
export class AccountsRepository {
  constructor(private readonly txHost: TxHost) {}

  private get db() {
    return this.txHost.tx;
  }

  /**
   * Applies account upserts in one statement, each unless a newer one (by event time) is already
   * stored. Of several upserts of one account only the newest (by time, then event id) can win,
   * so only that one is sent: a statement may change a row once.
   */
  async upsertMany(upserts: { data: AccountUpsertedData; time: string; eventId: string }[]): Promise<void> {
    const newest = new Map<string, (typeof upserts)[number]>();
    for (const upsert of upserts) {
      const kept = newest.get(upsert.data.id);
      const later = !kept || Date.parse(upsert.time) > Date.parse(kept.time) || (Date.parse(upsert.time) === Date.parse(kept.time) && upsert.eventId > kept.eventId);
      if (later) newest.set(upsert.data.id, upsert);
    }
    if (newest.size === 0) return;
    const rows = [...newest.values()].map(({ data, time }) => ({
      id: data.id, name: data.name, domains: data.domains, external_refs: data.externalRefs, owner_name: data.owner.name ?? null, owner_email: data.owner.email,
      team: data.team ?? null, lead_name: data.lead?.name ?? null, lead_email: data.lead?.email ?? null, members: data.members ?? [], tier: data.tier ?? null,
      arr: data.arr ?? null, renewal_date: data.renewalDate ?? null, timezone: data.timezone ?? null, source_time: time,
    }));
    await this.db.query(
      `INSERT INTO health.accounts (id, name, domains, external_refs, owner_name, owner_email, team, lead_name, lead_email, members, tier, arr, renewal_date, timezone, source_time, updated_at)
       SELECT id, name, domains, external_refs, owner_name, owner_email, team, lead_name, lead_email, members, tier, arr, renewal_date, timezone, source_time, now()
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, name text, domains text[], external_refs jsonb, owner_name text, owner_email text, team text,
         lead_name text, lead_email text, members jsonb, tier text, arr numeric, renewal_date text, timezone text, source_time timestamptz)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, domains = EXCLUDED.domains, external_refs = EXCLUDED.external_refs,
         owner_name = EXCLUDED.owner_name, owner_email = EXCLUDED.owner_email, team = EXCLUDED.team, lead_name = EXCLUDED.lead_name,
         lead_email = EXCLUDED.lead_email, members = EXCLUDED.members, tier = EXCLUDED.tier, arr = EXCLUDED.arr,
         renewal_date = EXCLUDED.renewal_date, timezone = EXCLUDED.timezone, source_time = EXCLUDED.source_time, updated_at = now()
       WHERE health.accounts.source_time <= EXCLUDED.source_time`,
      [JSON.stringify(rows)],
    );
  }

  /**
   * Finds the account each reference points to, by every reference it carries: its id first, then
   * the source's external id (specific), then the email domain (broad) — the account's own (from
   * its CRM) or mapped to it by an admin (`account_references`); null where none matches (the event
   * stays unmapped until such an account arrives). One statement for a whole batch, and a
   * reference an event does not carry costs nothing: a NULL domain would otherwise make
   * `domains @> ARRAY[NULL]` scan the whole GIN index for every lookup.
   */
  async resolve(refs: { ref: AccountRef; source: string }[]): Promise<(string | null)[]> {
    if (refs.length === 0) return [];
    const sourceName = (source: string) => source.replace(/^\/sources\//, '');
    const rows: { i: number; id: string }[] = await this.db.query(
      `SELECT DISTINCT ON (r.i) r.i, a.id
       FROM unnest($1::int[], $2::text[], $3::jsonb[], $4::text[], $5::text[], $6::text[]) AS r(i, account_id, external, domain, external_source, external_id)
       JOIN LATERAL (
         SELECT id, 0 AS rank FROM health.accounts WHERE r.account_id IS NOT NULL AND id = r.account_id
         UNION ALL SELECT id, 1 FROM health.accounts WHERE r.external IS NOT NULL AND external_refs @> r.external
         UNION ALL SELECT m.account_id, 1 FROM health.account_references m
           WHERE r.external_id IS NOT NULL AND m.kind = 'external' AND m.source = r.external_source AND m.value = r.external_id
             AND EXISTS (SELECT 1 FROM health.accounts x WHERE x.id = m.account_id)
         UNION ALL SELECT id, 2 FROM health.accounts WHERE r.domain IS NOT NULL AND domains @> ARRAY[r.domain]
         UNION ALL SELECT m.account_id, 2 FROM health.account_references m
           WHERE r.domain IS NOT NULL AND m.kind = 'domain' AND m.source = '' AND m.value = r.domain
             AND EXISTS (SELECT 1 FROM health.accounts x WHERE x.id = m.account_id)
       ) a ON true
       ORDER BY r.i, a.rank, a.id`,
      [
        refs.map((_, i) => i),
        refs.map(({ ref }) => ref.id ?? null),
        refs.map(({ ref, source }) => (ref.externalId ? JSON.stringify([{ source: sourceName(source), id: ref.externalId }]) : null)),
        refs.map(({ ref }) => ref.domain?.toLowerCase() ?? null),
        refs.map(({ ref, source }) => (ref.externalId ? sourceName(source) : null)),
        refs.map(({ ref }) => ref.externalId ?? null),
      ],
    );
    const found = new Map(rows.map((r) => [Number(r.i), r.id]));
    return refs.map((_, i) => found.get(i) ?? null);
  }

  /**
   * The references of these accounts as stored — their CRM's and those an admin mapped to them —
   * for claiming the unmapped events that name them.
   */
  async referencesOf(accountIds: string[]): Promise<AccountReferences[]> {
    if (accountIds.length === 0) return [];
    return this.db.query(
      `SELECT a.id,
              a.domains || coalesce(array_agg(m.value) FILTER (WHERE m.kind = 'domain'), '{}') AS domains,
              a.external_refs || coalesce(jsonb_agg(jsonb_build_object('source', m.source, 'id', m.value)) FILTER (WHERE m.kind = 'external'), '[]') AS "externalRefs"
       FROM health.accounts a LEFT JOIN health.account_references m ON m.account_id = a.id
       WHERE a.id = ANY($1::text[])
       GROUP BY a.id`,
      [accountIds],
    );
  }

  /**
   * Keeps the domains and external ids an admin mapped to an account (`account.reference_added`),
   * beside what its CRM says: an upsert of the account replaces its own lists, never these.
   */
  async addReferences(data: AccountReferenceAddedData, time: string): Promise<void> {
    const rows = [
      ...data.domains.map((domain) => ({ kind: 'domain', source: '', value: domain.toLowerCase() })),
      ...data.externalRefs.map((ref) => ({ kind: 'external', source: ref.source, value: ref.id })),
    ];
    if (rows.length === 0) return;
    await this.db.query(
      `INSERT INTO health.account_references (account_id, kind, source, value, added_at, added_by)
       SELECT $1, kind, source, value, $5, $6 FROM unnest($2::text[], $3::text[], $4::text[]) AS r(kind, source, value)
       ON CONFLICT DO NOTHING`,
      [data.accountId, rows.map((r) => r.kind), rows.map((r) => r.source), rows.map((r) => r.value), time, data.by ?? null],
    );
  }

  async byIds(accountIds: string[]): Promise<Map<string, StoredAccount>> {
    const rows: { id: string; name: string; owner_name: string | null; owner_email: string; lead_name: string | null; lead_email: string | null; members: StoredAccount['members']; team: string | null; timezone: string | null; tier: string | null; arr: string | null; renewal_date: string | null }[] =
      await this.db.query(
        'SELECT id, name, owner_name, owner_email, lead_name, lead_email, members, team, timezone, tier, arr, renewal_date FROM health.accounts WHERE id = ANY($1::text[]) ORDER BY id',
        [accountIds],
      );
    return new Map(rows.map((r) => [r.id, {
      id: r.id, name: r.name, ownerName: r.owner_name, ownerEmail: r.owner_email, leadName: r.lead_name, leadEmail: r.lead_email, members: r.members, team: r.team, timezone: r.timezone,
      profile: { tier: r.tier, arr: r.arr === null ? null : Number(r.arr), renewalDate: r.renewal_date },
    }]));
  }

  async allIds(): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query('SELECT id FROM health.accounts ORDER BY id');
    return rows.map((r) => r.id);
  }

  async count(): Promise<number> {
    const [{ n }]: { n: number }[] = await this.db.query('SELECT count(*)::int AS n FROM health.accounts');
    return n;
  }

  /** For a replay, which reads every account (and the references admins mapped to them) from the topic again. */
  async deleteAll(): Promise<void> {
    await this.db.query('DELETE FROM health.account_references');
    await this.db.query('DELETE FROM health.accounts');
  }
}
