import { Inject, Injectable } from '@nestjs/common';
import type { GatewayConfig } from '@forewarn/config';
import { type Source, SourcesRepository } from '@forewarn/database';
import { Problem } from '@forewarn/service-kit';
import type { Request } from 'express';
import { GATEWAY_CONFIG } from '../gateway.config';

/** Unknown keys and names are remembered briefly too, so a client hammering with them does not hammer PostgreSQL. */
const UNKNOWN_CACHE_MS = 5_000;
const MAX_CACHED = 10_000;

type Cached = { source: Source | null; until: number };

/**
 * The registered sources, by api key and by name, as the guards look them up. Keys are looked up
 * by hash and cached for GATEWAY_SOURCE_CACHE_MS, so a changed allowance, a removed source or a
 * rotated key takes effect within that time — and a previous key in its grace period is never
 * remembered past its end.
 */
@Injectable()
export class SourceDirectory {
  private readonly cacheMs: number;
  private readonly byKey = new Map<string, Cached>();
  private readonly byName = new Map<string, Cached>();

  constructor(private readonly sources: SourcesRepository, @Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.cacheMs = config.GATEWAY_SOURCE_CACHE_MS;
  }

  /** The source whose api key the request carries; a 401 problem when it carries none or an unknown one. */
  async authenticate(request: Request): Promise<Source> {
    const key = credentialOf(request);
    if (!key) throw new Problem(401, 'Unauthorized', 'An api key is required: send "Authorization: Bearer <source api key>".', { headers: { 'WWW-Authenticate': 'Bearer realm="forewarn"' } });
    const source = await this.findByApiKey(key);
    if (!source) throw new Problem(401, 'Unauthorized', 'The api key is not known. Register a source with "npx forewarn source add <name> --kind events".', { headers: { 'WWW-Authenticate': 'Bearer realm="forewarn", error="invalid_token"' } });
    return source;
  }

  /** The source a webhook URL names. */
  async findByName(name: string): Promise<Source | null> {
    const now = Date.now();
    const cached = this.byName.get(name);
    if (cached && cached.until > now) return cached.source;
    const source = /^[a-z0-9][a-z0-9._-]{0,99}$/.test(name) ? await this.sources.findByName(name) : null;
    remember(this.byName, name, { source, until: now + (source ? this.cacheMs : Math.min(this.cacheMs, UNKNOWN_CACHE_MS)) });
    return source;
  }

  private async findByApiKey(key: string): Promise<Source | null> {
    const now = Date.now();
    const cached = this.byKey.get(key);
    if (cached && cached.until > now) return cached.source;
    const found = await this.sources.findByApiKey(key);
    const until = !found ? now + Math.min(this.cacheMs, UNKNOWN_CACHE_MS) : Math.min(now + this.cacheMs, found.keyExpiresAt?.getTime() ?? Infinity);
    remember(this.byKey, key, { source: found?.source ?? null, until });
    return found?.source ?? null;
  }
}

/** Bearer token, HTTP Basic with the key as user name, or `?token=` (for systems that cannot set headers). */
function credentialOf(request: Request): string | null {
  const header = request.headers.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+(\S+)$/i.exec(header);
  if (basic) return Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0] || null;
  const token = request.query.token;
  return typeof token === 'string' && token ? token : null;
}

function remember(cache: Map<string, Cached>, key: string, entry: Cached): void {
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, entry);
}
