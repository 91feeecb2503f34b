import type { DataSource, EntityManager } from 'typeorm';

/**
 * Who our own people are and which domains are customers', read through the read views their
 * owners define (`dashboard.internal_people`, `health.account_domains`), never their tables.
 */
export class AudienceRepository {
  constructor(private readonly db: DataSource | EntityManager) {}

  async facts(): Promise<{ users: string[]; accountDomains: string[] }> {
    const [users, domains]: [{ email: string }[], { domain: string }[]] = await Promise.all([
      this.db.query('SELECT email FROM dashboard.internal_people'),
      this.db.query('SELECT DISTINCT domain FROM health.account_domains'),
    ]);
    return { users: users.map((u) => u.email), accountDomains: domains.map((d) => d.domain) };
  }
}
