import { Injectable } from '@nestjs/common';
import type { WriteBackMode, WriteBackVendor } from '@forewarn/write-back';
import { TxHost } from '../../unit-of-work';

/** An open case of an account in a helpdesk source that writes back (`on` or `dry-run`). */
export interface WriteBackTarget {
  caseId: string;
  source: string;
  vendor: WriteBackVendor;
  mode: Exclude<WriteBackMode, 'off'>;
  tag: string | null;
  supportHeadsUp: boolean;
}

/** What the write-back worker needs of a source to write to it: its URL, user and sealed token (opened only when calling). */
export interface WriteBackEndpoint {
  source: string;
  vendor: string;
  mode: WriteBackMode;
  apiUrl: string | null;
  apiUser: string | null;
  sealedToken: string | null;
}

/**
 * The notifier's read of others' views for write-back (never their tables): account-health's
 * `health.open_cases_by_source` (which helpdesk reported each open case) and the gateway's
 * `gateway.write_back_sources` (which sources write back, and how).
 */
@Injectable()
export class WriteBackTargetsReadModel {
  constructor(private readonly txHost: TxHost) {}

  /** The account's open cases in sources that write back: where notes go. */
  async openCasesOf(accountId: string): Promise<WriteBackTarget[]> {
    const rows: { case_id: string; source: string; kind: WriteBackVendor; mode: WriteBackTarget['mode']; tag: string | null; support_heads_up: boolean }[] = await this.txHost.tx.query(
      `SELECT o.case_id, o.source, w.kind, w.mode, w.tag, w.support_heads_up
       FROM health.open_cases_by_source o JOIN gateway.write_back_sources w ON w.source = o.source
       WHERE o.account_id = $1 ORDER BY o.source, o.case_id`,
      [accountId],
    );
    return rows.map((r) => ({ caseId: r.case_id, source: r.source, vendor: r.kind, mode: r.mode, tag: r.tag, supportHeadsUp: r.support_heads_up }));
  }

  /** How to reach a source's helpdesk now; null when it no longer writes back (removed, or `off`). */
  async endpointOf(source: string): Promise<WriteBackEndpoint | null> {
    const [row]: { source: string; kind: string; mode: WriteBackMode; api_url: string | null; api_user: string | null; api_token_sealed: string | null }[] = await this.txHost.tx.query(
      'SELECT source, kind, mode, api_url, api_user, api_token_sealed FROM gateway.write_back_sources WHERE source = $1',
      [source],
    );
    return row ? { source: row.source, vendor: row.kind, mode: row.mode, apiUrl: row.api_url, apiUser: row.api_user, sealedToken: row.api_token_sealed } : null;
  }
}
