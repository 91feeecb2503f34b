import type { DataSource } from 'typeorm';
import { queryRows } from '../query-rows';
import { hashCredential, newCredential } from './secrets';

export const SOURCE_KINDS = ['events', 'zendesk', 'jira', 'freshdesk', 'servicenow', 'mapped'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export interface Source {
  name: string;
  kind: SourceKind;
  signingSecret: string | null;
  /** The JSONata mapping of a `mapped` source (its webhook JSON → canonical events); null until set. */
  mapping?: string | null;
}

type SourceRow = { name: string; kind: SourceKind; signing_secret: string | null; mapping?: string | null };
const toSource = (row: SourceRow): Source => ({ name: row.name, kind: row.kind, signingSecret: row.signing_secret, mapping: row.mapping ?? null });

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
  constructor(private readonly db: DataSource) {}

  async add(name: string, kind: SourceKind, signingSecret: string | null, mapping: string | null = null): Promise<{ source: Source; apiKey: string }> {
    const apiKey = newCredential('fw_src');
    try {
      await this.db.query(
        'INSERT INTO gateway.sources (name, kind, api_key_hash, signing_secret, mapping, mapping_updated_at) VALUES ($1, $2, $3, $4, $5, CASE WHEN $5::text IS NULL THEN NULL ELSE now() END)',
        [name, kind, hashCredential(apiKey), signingSecret, mapping],
      );
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw new SourceExistsError(name);
      throw error;
    }
    return { source: { name, kind, signingSecret, mapping }, apiKey };
  }

  /** Stores the JSONata mapping of a source; gateways use it within their source cache time (30 s). */
  async setMapping(name: string, mapping: string | null): Promise<Source> {
    const rows = await queryRows<SourceRow>(this.db, 'UPDATE gateway.sources SET mapping = $2, mapping_updated_at = now() WHERE name = $1 RETURNING name, kind, signing_secret, mapping', [name, mapping]);
    if (!rows[0]) throw new SourceNotFoundError(name);
    return toSource(rows[0]);
  }

  /** Creates the source, or gives an existing one a new api key (the old key stops working). */
  async addOrRotate(name: string, kind: SourceKind): Promise<{ source: Source; apiKey: string }> {
    const apiKey = newCredential('fw_src');
    const rows: { signing_secret: string | null }[] = await this.db.query(
      `INSERT INTO gateway.sources (name, kind, api_key_hash) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind, api_key_hash = EXCLUDED.api_key_hash RETURNING signing_secret`,
      [name, kind, hashCredential(apiKey)],
    );
    return { source: { name, kind, signingSecret: rows[0]?.signing_secret ?? null }, apiKey };
  }

  /** The source a webhook URL names (`/v1/webhooks/<kind>/<name>`). */
  async findByName(name: string): Promise<Source | null> {
    const rows: SourceRow[] = await this.db.query('SELECT name, kind, signing_secret, mapping FROM gateway.sources WHERE name = $1', [name]);
    return rows[0] ? toSource(rows[0]) : null;
  }

  async findByApiKey(apiKey: string): Promise<Source | null> {
    const rows: SourceRow[] = await this.db.query('SELECT name, kind, signing_secret, mapping FROM gateway.sources WHERE api_key_hash = $1', [hashCredential(apiKey)]);
    return rows[0] ? toSource(rows[0]) : null;
  }
}
