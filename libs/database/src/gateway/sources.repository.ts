import type { Allowance } from '@forewarn/contracts';
import { Injectable } from '@nestjs/common';
import type { QueryDeepPartialEntity } from 'typeorm';
import { hashCredential, newCredential } from '../repositories/secrets';
import { TxHost } from '../unit-of-work';
import { type Source, SOURCE_KIND_ALLOWANCES, SourceExistsError, type SourceKind, type SourceListing, SourceNotFoundError, type SourceSettings } from './source';
import { SourceEntity } from './source.entity';

/** The columns of a `Source`, named as its fields, for the statements written in SQL. */
const SOURCE_COLUMNS = 'name, kind, signing_secret AS "signingSecret", mapping, allow, settings';

const toSource = (entity: SourceEntity): Source => ({ name: entity.name, kind: entity.kind, signingSecret: entity.signingSecret, mapping: entity.mapping, allow: entity.allow, settings: entity.settings });

/**
 * Support systems allowed to send events (`gateway.sources`). Only a hash of each api key is kept.
 * Changes go through the entity; the gateway's lookups by key and by name and the key rotation
 * are single statements in SQL (the lookups run on requests that miss the gateway's cache).
 */
@Injectable()
export class SourcesRepository {
  constructor(private readonly txHost: TxHost) {}

  private get sources() {
    return this.txHost.tx.getRepository(SourceEntity);
  }

  /** `allow` defaults to everything the kind can be for; `settings` (checked by the caller against the kind) to none. */
  async add(
    name: string, kind: SourceKind, signingSecret: string | null, mapping: string | null = null, allow: readonly Allowance[] = SOURCE_KIND_ALLOWANCES[kind], settings: SourceSettings = {},
  ): Promise<{ source: Source; apiKey: string }> {
    const apiKey = newCredential('fw_src');
    // A taken name inserts nothing rather than failing: a failed statement would be logged with its parameters, the secret among them.
    const { raw } = await this.sources.createQueryBuilder().insert()
      .values({ name, kind, apiKeyHash: hashCredential(apiKey), signingSecret, mapping, mappingUpdatedAt: mapping === null ? null : () => 'now()', allow: [...allow], settings: { ...settings } } as QueryDeepPartialEntity<SourceEntity>)
      .orIgnore().returning('name').execute();
    if ((raw as unknown[]).length === 0) throw new SourceExistsError(name);
    return { source: { name, kind, signingSecret, mapping, allow: [...allow], settings: { ...settings } }, apiKey };
  }

  /** Replaces a source's settings (the caller checks them with the vendor's `validateSettings`); gateways follow within their cache time. */
  async setSettings(name: string, settings: SourceSettings): Promise<Source> {
    return this.change(name, { settings: { ...settings } } as QueryDeepPartialEntity<SourceEntity>);
  }

  /** Stores the JSONata mapping of a source; gateways use it within their source cache time. */
  async setMapping(name: string, mapping: string | null): Promise<Source> {
    return this.change(name, { mapping, mappingUpdatedAt: () => 'now()' });
  }

  /** Changes what a source may send (the caller checks it against the kind); gateways follow within their cache time. */
  async setAllow(name: string, allow: readonly Allowance[]): Promise<Source> {
    return this.change(name, { allow: [...allow] });
  }

  private async change(name: string, changes: QueryDeepPartialEntity<SourceEntity>): Promise<Source> {
    const { affected } = await this.sources.update({ name }, changes);
    if (!affected) throw new SourceNotFoundError(name);
    return toSource(await this.sources.findOneByOrFail({ name }));
  }

  /**
   * Gives a source a new api key. The current one keeps working for `graceMs` (0: it stops at
   * once); a key from an earlier rotation that was still in its grace period stops now.
   */
  async rotateKey(name: string, graceMs: number): Promise<{ source: Source; apiKey: string; previousKeyValidUntil: Date | null }> {
    const apiKey = newCredential('fw_src');
    const [rotated]: (Source & { previousKeyExpiresAt: Date | null })[] = await this.txHost.tx.query(
      `WITH rotated AS (
         UPDATE gateway.sources SET
           previous_api_key_hash = CASE WHEN $3::float8 > 0 THEN api_key_hash END,
           previous_key_expires_at = CASE WHEN $3::float8 > 0 THEN now() + $3::float8 * interval '1 millisecond' END,
           api_key_hash = $2, key_rotated_at = now()
         WHERE name = $1 RETURNING ${SOURCE_COLUMNS}, previous_key_expires_at AS "previousKeyExpiresAt"
       ) SELECT * FROM rotated`,
      [name, hashCredential(apiKey), graceMs],
    );
    if (!rotated) throw new SourceNotFoundError(name);
    const { previousKeyExpiresAt, ...source } = rotated;
    return { source, apiKey, previousKeyValidUntil: previousKeyExpiresAt };
  }

  /** Removes a source: its keys stop working (within the gateways' cache time); its events stay. */
  async remove(name: string): Promise<Source> {
    const source = await this.sources.findOneBy({ name });
    if (!source) throw new SourceNotFoundError(name);
    await this.sources.delete({ name });
    return toSource(source);
  }

  async list(): Promise<SourceListing[]> {
    const now = new Date();
    const iso = (date: Date | null) => date?.toISOString() ?? null;
    return (await this.sources.find({ order: { name: 'ASC' } })).map((s) => ({
      name: s.name, kind: s.kind, allow: s.allow, created: s.createdAt.toISOString(), signed: s.signingSecret !== null, hasMapping: s.mapping !== null, settings: s.settings,
      key: { rotatedAt: iso(s.keyRotatedAt), previousKeyValidUntil: s.previousKeyExpiresAt && s.previousKeyExpiresAt > now ? iso(s.previousKeyExpiresAt) : null },
    }));
  }

  /** Creates the source, or gives an existing one a new api key (the old key stops working at once). */
  async addOrRotate(name: string, kind: SourceKind): Promise<{ source: Source; apiKey: string }> {
    const apiKey = newCredential('fw_src');
    const allow = SOURCE_KIND_ALLOWANCES[kind];
    const [row]: { signingSecret: string | null; settings: SourceSettings }[] = await this.txHost.tx.query(
      `INSERT INTO gateway.sources (name, kind, api_key_hash, allow) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind, api_key_hash = EXCLUDED.api_key_hash, allow = EXCLUDED.allow,
         previous_api_key_hash = NULL, previous_key_expires_at = NULL, key_rotated_at = now()
       RETURNING signing_secret AS "signingSecret", settings`,
      [name, kind, hashCredential(apiKey), allow],
    );
    return { source: { name, kind, signingSecret: row?.signingSecret ?? null, allow: [...allow], settings: row?.settings ?? {} }, apiKey };
  }

  /** The source a webhook URL names (`/v1/webhooks/<kind>/<name>`). */
  async findByName(name: string): Promise<Source | null> {
    const [source]: Source[] = await this.txHost.tx.query(`SELECT ${SOURCE_COLUMNS} FROM gateway.sources WHERE name = $1`, [name]);
    return source ?? null;
  }

  /**
   * The source an api key belongs to: its current key, or the previous one during its grace
   * period — then `keyExpiresAt` says when that key stops working (null: the current key).
   */
  async findByApiKey(apiKey: string): Promise<{ source: Source; keyExpiresAt: Date | null } | null> {
    const [row]: (Source & { keyExpiresAt: Date | null })[] = await this.txHost.tx.query(
      `SELECT ${SOURCE_COLUMNS}, CASE WHEN api_key_hash = $1 THEN NULL ELSE previous_key_expires_at END AS "keyExpiresAt"
       FROM gateway.sources WHERE api_key_hash = $1 OR (previous_api_key_hash = $1 AND previous_key_expires_at > now())`,
      [hashCredential(apiKey)],
    );
    if (!row) return null;
    const { keyExpiresAt, ...source } = row;
    return { source, keyExpiresAt };
  }
}
