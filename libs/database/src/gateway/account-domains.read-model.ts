import { Injectable } from '@nestjs/common';
import { TxHost } from '../unit-of-work';

/**
 * Which accounts own which e-mail domains, as the calendar poller needs to match attendees: read
 * through account-health's view `health.account_domains`, never its tables.
 */
@Injectable()
export class AccountDomainsReadModel {
  constructor(private readonly txHost: TxHost) {}

  /** Each of the domains that belongs to an account, with the ids of the accounts it belongs to. */
  async accountsByDomain(domains: string[]): Promise<Map<string, string[]>> {
    const map = new Map<string, string[]>();
    if (domains.length === 0) return map;
    const rows: { id: string; domains: string[] }[] = await this.txHost.tx.query(
      'SELECT account_id AS id, domains FROM health.account_domains WHERE domains && $1::text[] ORDER BY account_id',
      [domains],
    );
    const wanted = new Set(domains);
    for (const row of rows) {
      for (const domain of row.domains) if (wanted.has(domain)) map.set(domain, [...(map.get(domain) ?? []), row.id]);
    }
    return map;
  }
}
