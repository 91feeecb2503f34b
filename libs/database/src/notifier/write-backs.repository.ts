import { Injectable } from '@nestjs/common';
import type { WriteBackReason, WriteBackVendor } from '@forewarn/write-back';
import { TxHost } from '../unit-of-work';

/** A note to add to the ledger: `pending` to be written, or `dry_run` (recorded, never sent). */
export interface NewWriteBack {
  accountId: string;
  source: string;
  vendor: WriteBackVendor;
  caseId: string;
  reason: WriteBackReason;
  alertId: string;
  note: string;
  tag: string | null;
  status: 'pending' | 'dry_run';
}

/** A claimed note, to write now. */
export interface DueWriteBack {
  id: string;
  ref: string;
  accountId: string;
  source: string;
  vendor: WriteBackVendor;
  caseId: string;
  reason: WriteBackReason;
  note: string;
  tag: string | null;
  /** Including this one. */
  attempts: number;
  /** An earlier attempt's end was not seen (a crash, a timeout on the writing call): look for the note before writing it. */
  wasInDoubt: boolean;
  createdAt: Date;
}

interface DueRow {
  id: string; ref: string; account_id: string; source: string; vendor: WriteBackVendor; case_id: string; reason: WriteBackReason;
  note: string; tag: string | null; attempts: number; was_in_doubt: boolean; created_at: Date;
}

/**
 * The write-back ledger (`notifier.write_backs`): one row per source, case, reason and alert
 * (unique: adding it again adds nothing). The worker claims due rows under a lease with
 * `FOR UPDATE SKIP LOCKED`, as the sender does mail; a claimed row is in doubt until its outcome is
 * recorded, so a crash mid-call leads the next claim to look for the note before writing it.
 */
@Injectable()
export class WriteBacksRepository {
  constructor(private readonly txHost: TxHost) {}

  private get db() {
    return this.txHost.tx;
  }

  /** Adds the notes that are not in the ledger yet; returns those it added. */
  async add(notes: NewWriteBack[]): Promise<NewWriteBack[]> {
    if (notes.length === 0) return [];
    const rows: { source: string; case_id: string; reason: string; alert_id: string }[] = await this.db.query(
      `INSERT INTO notifier.write_backs (account_id, source, vendor, case_id, reason, alert_id, note, tag, status)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
       ON CONFLICT (source, case_id, reason, alert_id) DO NOTHING
       RETURNING source, case_id, reason, alert_id`,
      [
        notes.map((n) => n.accountId), notes.map((n) => n.source), notes.map((n) => n.vendor), notes.map((n) => n.caseId), notes.map((n) => n.reason),
        notes.map((n) => n.alertId), notes.map((n) => n.note), notes.map((n) => n.tag), notes.map((n) => n.status),
      ],
    );
    const key = (source: string, caseId: string, reason: string, alertId: string) => [source, caseId, reason, alertId].join('\u0000');
    const added = new Set(rows.map((r) => key(r.source, r.case_id, r.reason, r.alert_id)));
    return notes.filter((n) => added.has(key(n.source, n.caseId, n.reason, n.alertId)));
  }

  /**
   * Claims due notes: takes them under `SKIP LOCKED`, pushes their next attempt past the lease and
   * marks them in doubt, so another worker (or this one after a crash) takes them only once the
   * lease ran out, and then looks for the note first.
   */
  async claimDue(limit: number, leaseMs: number): Promise<DueWriteBack[]> {
    // The claim is an UPDATE … RETURNING, which TypeORM answers as [rows, count]: wrapped in a CTE, it answers rows.
    const rows: DueRow[] = await this.db.query(
      `WITH due AS (
         SELECT id, in_doubt FROM notifier.write_backs
         WHERE status IN ('pending', 'retrying') AND next_attempt_at <= now()
         ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       , claimed AS (
         UPDATE notifier.write_backs w SET attempts = w.attempts + 1, in_doubt = true,
           next_attempt_at = now() + make_interval(secs => $2::double precision / 1000)
         FROM due WHERE w.id = due.id
         RETURNING w.id, w.ref, w.account_id, w.source, w.vendor, w.case_id, w.reason, w.note, w.tag, w.attempts, due.in_doubt AS was_in_doubt, w.created_at)
       SELECT * FROM claimed`,
      [limit, leaseMs],
    );
    return rows.map((r) => ({
      id: r.id, ref: r.ref, accountId: r.account_id, source: r.source, vendor: r.vendor, caseId: r.case_id, reason: r.reason, note: r.note, tag: r.tag,
      attempts: r.attempts, wasInDoubt: r.was_in_doubt, createdAt: new Date(r.created_at),
    }));
  }

  /** Written (or, after an attempt whose end was not seen, found on the case). */
  async markWritten(id: string, foundOnCase: boolean): Promise<void> {
    await this.db.query(
      `UPDATE notifier.write_backs SET status = 'written', written_at = now(), in_doubt = false, found_on_case = $2, last_error = NULL, vendor_status = NULL WHERE id = $1`,
      [id, foundOnCase],
    );
  }

  /** Tried again at `at`; `inDoubt` when the failed attempt may have written the note all the same. */
  async markRetry(id: string, at: Date, error: string, vendorStatus: number | null, inDoubt: boolean): Promise<void> {
    await this.db.query(
      `UPDATE notifier.write_backs SET status = 'retrying', next_attempt_at = $2, last_error = $3, vendor_status = $4, in_doubt = $5 WHERE id = $1`,
      [id, at, error.slice(0, 1000), vendorStatus, inDoubt],
    );
  }

  /** Not written, for good: the vendor refused it (or write-back was turned off); the error says why. */
  async markFailed(id: string, error: string, vendorStatus: number | null): Promise<void> {
    await this.db.query(`UPDATE notifier.write_backs SET status = 'failed', in_doubt = false, last_error = $2, vendor_status = $3 WHERE id = $1`, [id, error.slice(0, 1000), vendorStatus]);
  }

  /**
   * Not tried (the vendor's circuit is open, or it asked to wait): due again at `until`, the claim's
   * attempt and doubt taken back, since nothing was sent.
   */
  async defer(id: string, until: Date, wasInDoubt: boolean, why: string): Promise<void> {
    await this.db.query(
      'UPDATE notifier.write_backs SET next_attempt_at = $2, attempts = attempts - 1, in_doubt = $3, last_error = $4 WHERE id = $1',
      [id, until, wasInDoubt, why.slice(0, 1000)],
    );
  }

  /** Deletes up to `limit` settled notes (written, failed, dry run) asked for and settled before `cutoff`; notes still to write stay. */
  async deleteSettledBefore(cutoff: Date, limit: number): Promise<number> {
    const [{ n }]: { n: number }[] = await this.db.query(
      `WITH gone AS (DELETE FROM notifier.write_backs WHERE id IN (
         SELECT id FROM notifier.write_backs WHERE status IN ('written', 'failed', 'dry_run') AND GREATEST(created_at, written_at) < $1 LIMIT $2)
       RETURNING 1) SELECT count(*)::int AS n FROM gone`,
      [cutoff, limit],
    );
    return n;
  }

  /** Notes still to write, by status, and how long the longest-waiting due one has been due (for /metrics). */
  async queue(): Promise<{ status: 'pending' | 'retrying'; count: number; oldestDueSeconds: number }[]> {
    const rows: { status: 'pending' | 'retrying'; count: number; oldest_due_seconds: number | null }[] = await this.db.query(
      `SELECT status, count(*)::int AS count, coalesce(extract(epoch FROM now() - min(next_attempt_at) FILTER (WHERE next_attempt_at <= now())), 0)::float8 AS oldest_due_seconds
       FROM notifier.write_backs WHERE status IN ('pending', 'retrying') GROUP BY status`,
    );
    return rows.map((r) => ({ status: r.status, count: r.count, oldestDueSeconds: r.oldest_due_seconds ?? 0 }));
  }
}
