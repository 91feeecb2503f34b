import { type Audience, type AudienceFacts, type AudienceSettings, audienceOf, type AudienceVerdict, judgeAddress, splitAudience } from './audience';

export interface AudienceBookOptions {
  /** How long what was read is used (a minute): not a query per recipient per alert. */
  ttlMs?: number;
  /**
   * Someone about to be dropped is looked up again when what is known is older than this: a rep
   * registered a moment ago is ours at once, and drops are rare enough for the extra read.
   */
  recheckMs?: number;
  now?: () => number;
}

/**
 * The audience, read through the owners' read views and kept briefly. Framework-free: the apps give
 * it a loader; concurrent callers share one read.
 */
export class AudienceBook {
  private cached: { audience: Audience; at: number } | null = null;
  private loading: Promise<Audience> | null = null;
  private readonly ttlMs: number;
  private readonly recheckMs: number;
  private readonly now: () => number;

  constructor(private readonly load: () => Promise<AudienceFacts>, private readonly settings: AudienceSettings, options: AudienceBookOptions = {}) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.recheckMs = options.recheckMs ?? 5_000;
    this.now = options.now ?? Date.now;
  }

  /** The audience, read again when older than `maxAgeMs` (the TTL unless said otherwise). */
  async current(maxAgeMs = this.ttlMs): Promise<Audience> {
    if (this.cached && this.now() - this.cached.at < maxAgeMs) return this.cached.audience;
    if (!this.loading) {
      const startedAt = this.now();
      this.loading = this.load()
        .then((facts) => {
          const audience = audienceOf(facts, this.settings);
          this.cached = { audience, at: startedAt };
          return audience;
        })
        .finally(() => (this.loading = null));
    }
    return this.loading;
  }

  async split<R extends { email: string }>(recipients: readonly R[]): Promise<ReturnType<typeof splitAudience<R>>> {
    const first = splitAudience(recipients, await this.current());
    if (first.dropped.length === 0) return first;
    return splitAudience(recipients, await this.current(this.recheckMs));
  }

  async judge(address: string): Promise<AudienceVerdict> {
    const verdict = judgeAddress(address, await this.current());
    return verdict.kept ? verdict : judgeAddress(address, await this.current(this.recheckMs));
  }
}
