import { Injectable } from '@nestjs/common';
import { TxHost } from '@forewarn/database';

/** A note Forewarn writes (or wrote, or could not write) on a support case of the account: the account page's "Support told". */
export interface SupportNote {
  caseId: string;
  /** The helpdesk source it goes to, and its kind (`zendesk`, …). */
  source: string;
  vendor: string;
  /** `acknowledged` (sales is aware), `briefing` (sales is preparing a meeting), `heads-up` (support asked for an update). */
  reason: string;
  /** `pending`, `retrying`, `written`, `failed`, `dry_run` (recorded only). */
  status: string;
  /** When it was asked for (ISO 8601). */
  createdAt: string;
  /** When the helpdesk took it. */
  writtenAt: string | null;
  /** Why it is not written (yet): "401 from Zendesk". */
  error: string | null;
  /** The note's text (what a dry run would have written). */
  note: string;
}

/** Write-back outcomes of an account, from the notifier's read view `notifier.write_backs_view`. */
@Injectable()
export class SupportNotesReadModel {
  constructor(private readonly txHost: TxHost) {}

  /** The account's newest notes first. */
  async of(accountId: string, limit = 50): Promise<SupportNote[]> {
    const rows: { case_id: string; source: string; vendor: string; reason: string; status: string; created_at: Date; written_at: Date | null; last_error: string | null; note: string }[] =
      await this.txHost.tx.query(
        `SELECT case_id, source, vendor, reason, status, created_at, written_at, last_error, note FROM notifier.write_backs_view
         WHERE account_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
        [accountId, limit],
      );
    return rows.map((r) => ({
      caseId: r.case_id, source: r.source, vendor: r.vendor, reason: r.reason, status: r.status,
      createdAt: r.created_at.toISOString(), writtenAt: r.written_at?.toISOString() ?? null, error: r.last_error, note: r.note,
    }));
  }
}
