import { ALLOWANCES, type Allowance } from '@forewarn/contracts';
import { queryRows, type SqlRunner } from '../query-rows';
import { hashCredential, newCredential } from './secrets';

export const SOURCE_KINDS = ['events', 'zendesk', 'jira', 'freshdesk', 'servicenow', 'mapped'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/**
 * What each kind of source can be for (its `--allow` may narrow this, never widen it). Helpdesks
 * report cases; `events` and `mapped` sources can send anything. A kind that is also a CRM
 * (Salesforce) lists `cases`, `meetings` and `accounts`: it may own accounts and book meetings.
 */
export const SOURCE_KIND_ALLOWANCES: Record<SourceKind, readonly Allowance[]> = {
  events: ALLOWANCES,
  mapped: ALLOWANCES,
  zendesk: ['cases'],
  jira: ['cases'],
  freshdesk: ['cases'],
  servicenow: ['cases'],
};

export interface Source {
  name: string;
  kind: SourceKind;
  signingSecret: string | null;
  /** The JSONata mapping of a `mapped` source (its webhook JSON → canonical events); null until set. */
  mapping?: string | null;
  /** What it may send: `cases` (case.*, survey.*), `meetings` (meeting.*), `accounts` (account.upserted). */
  allow: Allowance[];
}

/** A source as `forewarn source list` shows it: never a key, a hash of one, or a signing secret. */
export interface SourceListing {
  name: string;
  kind: SourceKind;
  allow: Allowance[];
  created: string;
  signed: boolean;
  hasMapping: boolean;
  key: { rotatedAt: string | null; previousKeyValidUntil: string | null };
}

type SourceRow = { name: string; kind: SourceKind; signing_secret: string | null; mapping?: string | null; allow: Allowance[] };
const SOURCE_COLUMNS = 'name, kind, signing_secret, mapping, allow';
const toSource = (row: SourceRow): Source => ({ name: row.name, kind: row.kind, signingSecret: row.signing_secret, mapping: row.mapping ?? null, allow: row.allow });

export class SourceNotFoundError extends Error {
  constructor(name: string) {
    super(`there is no source named "${name}"`);
  }
}

export class SourceExistsError extends Error {
  constructor(name: string) {
    super(`a source named "${name}" already exists`);
  }
}

/** Support systems allowed to send events (`gateway.sources`). Only a hash of each api key is kept. */
export class SourcesRepository {
  /** A DataSource, or a transaction's EntityManager (to change a source and record it in the audit log at once). */
  constructor(private readonly db: SqlRunner) {}

  /** `allow` defaults to everything the kind can be for. */
  async add(name: string, kind: SourceKind, signingSecret: string | null, mapping: string | null = null, allow: readonly Allowance[] = SOURCE_KIND_ALLOWANCES[kind]): Promise<{ source: Source; apiKey: string }> {
    const apiKey = newCredential('fw_src');
    try {
      await this.db.query(
        'INSERT INTO gateway.sources (name, kind, api_key_hash, signing_secret, mapping, mapping_updated_at, allow) VALUES ($1, $2, $3, $4, $5, CASE WHEN $5::text IS NULL THEN NULL ELSE now() END, $6)',
        [name, kind, hashCredential(apiKey), signingSecret, mapping, allow],
      );
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw new SourceExistsError(name);
      throw error;
    }
    return { source: { name, kind, signingSecret, mapping, allow: [...allow] }, apiKey };
  }

  /** Stores the JSONata mapping of a source; gateways use it within their source cache time. */
  async setMapping(name: string, mapping: string | null): Promise<Source> {
    const rows = await queryRows<SourceRow>(this.db, `UPDATE gateway.sources SET mapping = $2, mapping_updated_at = now() WHERE name = $1 RETURNING ${SOURCE_COLUMNS}`, [name, mapping]);
    if (!rows[0]) throw new SourceNotFoundError(name);
    return toSource(rows[0]);
  }

  /** Changes what a source may send (the caller checks it against the kind); gateways follow within their cache time. */
  async setAllow(name: string, allow: readonly Allowance[]): Promise<Source> {
    const rows = await queryRows<SourceRow>(this.db, `UPDATE gateway.sources SET allow = $2 WHERE name = $1 RETURNING ${SOURCE_COLUMNS}`, [name, allow]);
    if (!rows[0]) throw new SourceNotFoundError(name);
    return toSource(rows[0]);
  }

  /**
   * Gives a source a new api key. The current one keeps working for `graceMs` (0: it stops at
   * once); a key from an earlier rotation that was still in its grace period stops now.
   */
  async rotateKey(name: string, graceMs: number): Promise<{ source: Source; apiKey: string; previousKeyValidUntil: Date | null }> {
    const apiKey = newCredential('fw_src');
    const rows = await queryRows<SourceRow & { previous_key_expires_at: Date | null }>(
      this.db,
      `UPDATE gateway.sources SET
         previous_api_key_hash = CASE WHEN $3::float8 > 0 THEN api_key_hash END,
         previous_key_expires_at = CASE WHEN $3::float8 > 0 THEN now() + $3::float8 * interval '1 millisecond' END,
         api_key_hash = $2, key_rotated_at = now()
       WHERE name = $1 RETURNING ${SOURCE_COLUMNS}, previous_key_expires_at`,
      [name, hashCredential(apiKey), graceMs],
    );
    if (!rows[0]) throw new SourceNotFoundError(name);
    return { source: toSource(rows[0]), apiKey, previousKeyValidUntil: rows[0].previous_key_expires_at ? new Date(rows[0].previous_key_expires_at) : null };
  }

  /** Removes a source: its keys stop working (within the gateways' cache time); its events stay. */
  async remove(name: string): Promise<Source> {
    const rows = await queryRows<SourceRow>(this.db, `DELETE FROM gateway.sources WHERE name = $1 RETURNING ${SOURCE_COLUMNS}`, [name]);
    if (!rows[0]) throw new SourceNotFoundError(name);
    return toSource(rows[0]);
  }

  async list(): Promise<SourceListing[]> {
    const rows = await queryRows<{ name: string; kind: SourceKind; allow: Allowance[]; created_at: Date; signed: boolean; has_mapping: boolean; key_rotated_at: Date | null; previous_key_expires_at: Date | null }>(
      this.db,
      `SELECT name, kind, allow, created_at, signing_secret IS NOT NULL AS signed, mapping IS NOT NULL AS has_mapping, key_rotated_at,
              CASE WHEN previous_key_expires_at > now() THEN previous_key_expires_at END AS previous_key_expires_at
       FROM gateway.sources ORDER BY name`,
    );
    const iso = (date: Date | null) => (date ? new Date(date).toISOString() : null);
    return rows.map((r) => ({
      name: r.name, kind: r.kind, allow: r.allow, created: new Date(r.created_at).toISOString(), signed: r.signed, hasMapping: r.has_mapping,
      key: { rotatedAt: iso(r.key_rotated_at), previousKeyValidUntil: iso(r.previous_key_expires_at) },
    }));
  }

  /** Creates the source, or gives an existing one a new api key (the old key stops working at once). */
  async addOrRotate(name: string, kind: SourceKind): Promise<{ source: Source; apiKey: string }> {
    const apiKey = newCredential('fw_src');
    const allow = SOURCE_KIND_ALLOWANCES[kind];
    const rows = await queryRows<{ signing_secret: string | null }>(
      this.db,
      `INSERT INTO gateway.sources (name, kind, api_key_hash, allow) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind, api_key_hash = EXCLUDED.api_key_hash, allow = EXCLUDED.allow,
         previous_api_key_hash = NULL, previous_key_expires_at = NULL, key_rotated_at = now()
       RETURNING signing_secret`,
      [name, kind, hashCredential(apiKey), allow],
    );
    return { source: { name, kind, signingSecret: rows[0]?.signing_secret ?? null, allow: [...allow] }, apiKey };
  }

  /** The source a webhook URL names (`/v1/webhooks/<kind>/<name>`). */
  async findByName(name: string): Promise<Source | null> {
    const rows = await queryRows<SourceRow>(this.db, `SELECT ${SOURCE_COLUMNS} FROM gateway.sources WHERE name = $1`, [name]);
    return rows[0] ? toSource(rows[0]) : null;
  }

  /**
   * The source an api key belongs to: its current key, or the previous one during its grace
   * period — then `keyExpiresAt` says when that key stops working (null: the current key).
   */
  async findByApiKey(apiKey: string): Promise<{ source: Source; keyExpiresAt: Date | null } | null> {
    const rows = await queryRows<SourceRow & { key_expires_at: Date | null }>(
      this.db,
      `SELECT ${SOURCE_COLUMNS}, CASE WHEN api_key_hash = $1 THEN NULL ELSE previous_key_expires_at END AS key_expires_at
       FROM gateway.sources WHERE api_key_hash = $1 OR (previous_api_key_hash = $1 AND previous_key_expires_at > now())`,
      [hashCredential(apiKey)],
    );
    return rows[0] ? { source: toSource(rows[0]), keyExpiresAt: rows[0].key_expires_at ? new Date(rows[0].key_expires_at) : null } : null;
  }
}
