import type { DataSource } from 'typeorm';
import { hashCredential, newCredential } from './secrets';

export const SOURCE_KINDS = ['events', 'zendesk', 'jira', 'freshdesk', 'servicenow'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export interface Source {
  name: string;
  kind: SourceKind;
  signingSecret: string | null;
}

export class SourceExistsError extends Error {
  constructor(name: string) {
    super(`a source named "${name}" already exists`);
  }
}

/** Support systems allowed to send events (`gateway.sources`). Only a hash of each api key is kept. */
export class SourcesRepository {
  constructor(private readonly db: DataSource) {}

  async add(name: string, kind: SourceKind, signingSecret: string | null): Promise<{ source: Source; apiKey: string }> {
    const apiKey = newCredential('fw_src');
    try {
      await this.db.query('INSERT INTO gateway.sources (name, kind, api_key_hash, signing_secret) VALUES ($1, $2, $3, $4)', [name, kind, hashCredential(apiKey), signingSecret]);
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw new SourceExistsError(name);
      throw error;
    }
    return { source: { name, kind, signingSecret }, apiKey };
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
    const rows: { name: string; kind: SourceKind; signing_secret: string | null }[] = await this.db.query(
      'SELECT name, kind, signing_secret FROM gateway.sources WHERE name = $1',
      [name],
    );
    return rows[0] ? { name: rows[0].name, kind: rows[0].kind, signingSecret: rows[0].signing_secret } : null;
  }

  async findByApiKey(apiKey: string): Promise<Source | null> {
    const rows: { name: string; kind: SourceKind; signing_secret: string | null }[] = await this.db.query(
      'SELECT name, kind, signing_secret FROM gateway.sources WHERE api_key_hash = $1',
      [hashCredential(apiKey)],
    );
    return rows[0] ? { name: rows[0].name, kind: rows[0].kind, signingSecret: rows[0].signing_secret } : null;
  }
}
