import { type Audience, type AudienceSettings, audienceOf, type AudienceVerdict, domainOfAddress, judgeAddress, splitAudience } from './audience';

/** Where the book reads from: the owners' read views (`dashboard.internal_people`, `health.account_domains`). */
export interface AudienceSource {
  /** Dashboard users' addresses. */
  users(): Promise<string[]>;
  /** Which of these domains are an account's (one indexed lookup, not every domain of every account). */
  accountDomainsAmong(domains: string[]): Promise<string[]>;
}

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

/** Domains remembered at most; past it the memory starts over (a flood of new domains cannot grow it without bound). */
const MAX_DOMAINS = 50_000;

/** A domain and its parents: eu.acme.com, acme.com, com. */
const withParents = (domain: string): string[] => domain.split('.').map((_, i, labels) => labels.slice(i).join('.'));

/**
 * The audience, read through the owners' read views and kept briefly: the dashboard users as a
 * whole, account domains one domain at a time as addresses ask about them. Framework-free: the apps
 * give it a source; concurrent callers share one read of the users.
 */
export class AudienceBook {
  private users: { list: string[]; at: number } | null = null;
  private loadingUsers: Promise<string[]> | null = null;
  private readonly domains = new Map<string, { customer: boolean; at: number }>();
  private readonly ttlMs: number;
  private readonly recheckMs: number;
  private readonly now: () => number;

  constructor(private readonly source: AudienceSource, private readonly settings: AudienceSettings, options: AudienceBookOptions = {}) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.recheckMs = options.recheckMs ?? 5_000;
    this.now = options.now ?? Date.now;
  }

  /** The audience as far as these addresses are concerned, from facts at most `maxAgeMs` old (the TTL unless said otherwise). */
  async about(addresses: readonly string[], maxAgeMs = this.ttlMs): Promise<Audience> {
    const users = await this.userList(maxAgeMs);
    // Unconfigured, users' domains are ours unless a customer's: those domains are asked about too.
    const owners = this.settings.internalDomains ? [] : [...users, ...(this.settings.mailFrom ? [this.settings.mailFrom] : [])];
    const wanted = [...new Set([...addresses, ...owners].map(domainOfAddress).filter((d): d is string => d !== null).flatMap(withParents))];
    const stale = wanted.filter((d) => {
      const known = this.domains.get(d);
      return !known || this.now() - known.at >= maxAgeMs;
    });
    if (stale.length > 0) {
      const startedAt = this.now();
      const customers = new Set(await this.source.accountDomainsAmong(stale));
      if (this.domains.size + stale.length > MAX_DOMAINS) this.domains.clear();
      for (const d of stale) this.domains.set(d, { customer: customers.has(d), at: startedAt });
    }
    const accountDomains = wanted.filter((d) => this.domains.get(d)?.customer);
    return audienceOf({ users, accountDomains }, this.settings);
  }

  async split<R extends { email: string }>(recipients: readonly R[]): Promise<ReturnType<typeof splitAudience<R>>> {
    const emails = recipients.map((r) => r.email);
    const first = splitAudience(recipients, await this.about(emails));
    if (first.dropped.length === 0) return first;
    return splitAudience(recipients, await this.about(emails, this.recheckMs));
  }

  async judge(address: string): Promise<AudienceVerdict> {
    const verdict = judgeAddress(address, await this.about([address]));
    return verdict.kept ? verdict : judgeAddress(address, await this.about([address], this.recheckMs));
  }

  private async userList(maxAgeMs: number): Promise<string[]> {
    if (this.users && this.now() - this.users.at < maxAgeMs) return this.users.list;
    if (!this.loadingUsers) {
      const startedAt = this.now();
      this.loadingUsers = this.source
        .users()
        .then((list) => {
          this.users = { list, at: startedAt };
          return list;
        })
        .finally(() => (this.loadingUsers = null));
    }
    return this.loadingUsers;
  }
}
