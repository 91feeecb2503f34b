import { Inject, Injectable } from '@nestjs/common';
import { type Source, SourcesRepository } from '@forewarn/database';
import { Problem } from '@forewarn/service-kit';
import type { Request } from 'express';
import { DataSource } from 'typeorm';

const CACHE_MS = 30_000;

/** Authenticates a support system by its api key; keys are looked up by hash and cached briefly. */
@Injectable()
export class SourceAuth {
  private readonly sources: SourcesRepository;
  private readonly cache = new Map<string, { source: Source | null; until: number }>();
  private readonly byName = new Map<string, { source: Source | null; until: number }>();

  constructor(@Inject(DataSource) db: DataSource) {
    this.sources = new SourcesRepository(db);
  }

  /** Bearer token, HTTP Basic with the key as user name, or `?token=` (for systems that cannot set headers). */
  static credentialOf(request: Request): string | null {
    const header = request.headers.authorization ?? '';
    const bearer = /^Bearer\s+(\S+)$/i.exec(header);
    if (bearer) return bearer[1];
    const basic = /^Basic\s+(\S+)$/i.exec(header);
    if (basic) return Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0] || null;
    const token = request.query.token;
    return typeof token === 'string' && token ? token : null;
  }

  async authenticate(request: Request): Promise<Source> {
    const key = SourceAuth.credentialOf(request);
    if (!key) throw new Problem(401, 'Unauthorized', 'An api key is required: send "Authorization: Bearer <source api key>".', { headers: { 'WWW-Authenticate': 'Bearer realm="forewarn"' } });
    const source = await this.lookup(key);
    if (!source) throw new Problem(401, 'Unauthorized', 'The api key is not known. Register a source with "npx forewarn source add <name> --kind events".', { headers: { 'WWW-Authenticate': 'Bearer realm="forewarn", error="invalid_token"' } });
    return source;
  }

  /** The source a webhook URL names, cached like api keys (unknown names for 5 s). */
  async findByName(name: string): Promise<Source | null> {
    const cached = this.byName.get(name);
    if (cached && cached.until > Date.now()) return cached.source;
    const source = /^[a-z0-9][a-z0-9._-]{0,99}$/.test(name) ? await this.sources.findByName(name) : null;
    if (this.byName.size > 10_000) this.byName.clear();
    this.byName.set(name, { source, until: Date.now() + (source ? CACHE_MS : 5_000) });
    return source;
  }

  private async lookup(key: string): Promise<Source | null> {
    const cached = this.cache.get(key);
    if (cached && cached.until > Date.now()) return cached.source;
    const source = await this.sources.findByApiKey(key);
    if (this.cache.size > 10_000) this.cache.clear();
    // Unknown keys are cached too, so a client hammering with a bad key does not hammer PostgreSQL.
    this.cache.set(key, { source, until: Date.now() + (source ? CACHE_MS : 5_000) });
    return source;
  }
}
