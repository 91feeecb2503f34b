import { Injectable } from '@nestjs/common';
import type { DigestContent, Recipient, WaitingNotification } from '@forewarn/alerting';
import type { AlertKind, AlertRaised, HealthState } from '@forewarn/contracts';
import { TxHost } from '../unit-of-work';

export interface DueNotification {
  id: string;
  alertId: string;
  recipient: Recipient;
  accountId: string;
  kind: AlertKind;
  attempts: number;
  /** The alert, or for a digest the digest's content. */
  alert: AlertRaised | DigestContent;
  /** Someone asked for it again: the noise checks do not apply. */
  resend: boolean;
  /** What became of its chat copy; `null` when none was posted yet. */
  chatOutcome: string | null;
  /** The trace of the alert it is for (W3C `traceparent`); null for digests and older rows. */
  traceparent: string | null;
}

interface DueRow {
  id: string;
  alert_id: string;
  recipient: string;
  recipient_name: string | null;
  recipient_role: Recipient['role'];
  account_id: string;
  kind: AlertKind;
  attempts: number;
  alert: AlertRaised | DigestContent;
  resend: boolean;
  chat_outcome: string | null;
  traceparent: string | null;
}

/**
 * The delivery ledger (`notifier.notifications`): one row per alert and recipient. Typed SQL, each
 * statement once: the sender claims rows in batches under a lease (`FOR UPDATE SKIP LOCKED`).
 */
@Injectable()
export class NotificationsRepository {
  constructor(private readonly txHost: TxHost) {}

  private get db() {
    return this.txHost.tx;
  }

  /** Notifications still to go, by status, and how long the longest-waiting one has been due (for /metrics). */
  async queue(): Promise<{ status: 'pending' | 'retrying'; count: number; oldestDueSeconds: number }[]> {
    const rows: { status: 'pending' | 'retrying'; count: number; oldest_due_seconds: number | null }[] = await this.db.query(
      `SELECT status, count(*)::int AS count, coalesce(extract(epoch FROM now() - min(next_attempt_at) FILTER (WHERE next_attempt_at <= now())), 0)::float8 AS oldest_due_seconds
       FROM notifier.notifications WHERE status IN ('pending', 'retrying') GROUP BY status`,
    );
    return rows.map((r) => ({ status: r.status, count: r.count, oldestDueSeconds: r.oldest_due_seconds ?? 0 }));
  }

  /**
   * Adds the row for one alert and recipient, with the trace the alert came in (its delivery goes
   * on in it); `null` when it already exists (a redelivered alert).
   */
  async add(alert: AlertRaised, recipient: Recipient, dueAt: Date, traceparent: string | null = null): Promise<string | null> {
    const rows: { id: string }[] = await this.db.query(
      `INSERT INTO notifier.notifications (alert_id, recipient, recipient_name, recipient_role, account_id, kind, status, next_attempt_at, alert, traceparent)
       VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9)
       ON CONFLICT (alert_id, recipient) DO NOTHING RETURNING id`,
      [alert.id, recipient.email, recipient.name, recipient.role, alert.data.account.id, alert.data.kind, dueAt, alert, traceparent],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * Records a recipient the audience rule left out (not one of ours): never sent, the note says why,
   * so "who was told" shows who was not. `null` when the row already exists (a redelivered alert).
   */
  async addDropped(alert: AlertRaised, recipient: Recipient, reason: string, traceparent: string | null = null): Promise<string | null> {
    const rows: { id: string }[] = await this.db.query(
      `INSERT INTO notifier.notifications (alert_id, recipient, recipient_name, recipient_role, account_id, kind, status, outcome_note, alert, traceparent)
       VALUES ($1, $2, $3, $4, $5, $6, 'dropped', $7, $8, $9)
       ON CONFLICT (alert_id, recipient) DO NOTHING RETURNING id`,
      [alert.id, recipient.email, recipient.name, recipient.role, alert.data.account.id, alert.data.kind, reason, alert, traceparent],
    );
    return rows[0]?.id ?? null;
  }

  /** Queues a digest mail, or with a reason records it as dropped (not one of ours); `false` when this one was already there. */
  async addDigest(digest: DigestContent, droppedBecause: string | null = null): Promise<boolean> {
    const rows: { id: string }[] = await this.db.query(
      `INSERT INTO notifier.notifications (alert_id, recipient, recipient_name, recipient_role, account_id, kind, status, outcome_note, next_attempt_at, alert)
       VALUES ($1, $2, $3, 'lead', '', 'digest', CASE WHEN $5::text IS NULL THEN 'pending' ELSE 'dropped' END, $5, now(), $4)
       ON CONFLICT (alert_id, recipient) DO NOTHING RETURNING id`,
      [`digest:${digest.day}`, digest.recipient.email, digest.recipient.name, digest, droppedBecause],
    );
    return rows.length > 0;
  }

  /** The newest notification for this account and recipient that waits and was never tried, locked. */
  async findWaiting(accountId: string, recipient: string, except: string): Promise<WaitingNotification | null> {
    const rows: { id: string; kind: AlertKind; next_attempt_at: Date }[] = await this.db.query(
      `SELECT id, kind, next_attempt_at FROM notifier.notifications
       WHERE account_id = $1 AND recipient = $2 AND status = 'pending' AND attempts = 0 AND id <> $3
       ORDER BY id DESC LIMIT 1 FOR UPDATE`,
      [accountId, recipient, except],
    );
    return rows[0] ? { id: rows[0].id, kind: rows[0].kind, dueAt: new Date(rows[0].next_attempt_at) } : null;
  }

  async supersede(id: string, by: string): Promise<void> {
    await this.db.query(`UPDATE notifier.notifications SET status = 'superseded', superseded_by = $2 WHERE id = $1`, [id, by]);
  }

  /** Sets when it goes; with a note, it does not go at all (`suppressed`, the note says why). */
  async reschedule(id: string, dueAt: Date, suppressedBecause: string | null): Promise<void> {
    await this.db.query(
      `UPDATE notifier.notifications SET next_attempt_at = $2,
         status = CASE WHEN $3::text IS NULL THEN status ELSE 'suppressed' END, outcome_note = $3 WHERE id = $1`,
      [id, dueAt, suppressedBecause],
    );
  }

  /**
   * Sends a finished notification again, now and without the noise checks' say (someone asked for
   * it). The first delivery time stays; the resend is counted with who asked and when. `false` when
   * there is no such finished notification on that account.
   */
  async resend(id: string, accountId: string, requestedBy: string, requestedAt: Date): Promise<boolean> {
    const rows: { id: string }[] = await this.db.query(
      `WITH resent AS (
         UPDATE notifier.notifications SET status = 'retrying', attempts = 0, next_attempt_at = now(), outcome_note = $3,
           resend_count = resend_count + 1, resend_requested_by = $4, resend_requested_at = $5
         WHERE id = $1 AND account_id = $2 AND status IN ('sent', 'failed', 'suppressed') RETURNING id)
       SELECT id FROM resent`,
      [id, accountId, `resend requested by ${requestedBy}`, requestedBy, requestedAt],
    );
    return rows.length > 0;
  }

  /**
   * Claims due rows for sending: takes them under `SKIP LOCKED` and pushes their next attempt past
   * a lease, so a second sender (or this one after a crash) only retries them once the lease ran out.
   */
  async claimDue(limit: number, leaseMs: number): Promise<DueNotification[]> {
    const rows: DueRow[] = await this.db.query(
      `WITH claimed AS (
         UPDATE notifier.notifications SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $2::double precision / 1000)
         WHERE id IN (SELECT id FROM notifier.notifications
                      WHERE status IN ('pending', 'retrying') AND next_attempt_at <= now()
                      ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING id, alert_id, recipient, recipient_name, recipient_role, account_id, kind, attempts, alert, outcome_note LIKE 'resend requested%' AS resend, chat_outcome, traceparent)
       SELECT * FROM claimed`,
      [limit, leaseMs],
    );
    return rows.map((r) => ({
      id: r.id,
      alertId: r.alert_id,
      recipient: { email: r.recipient, name: r.recipient_name, role: r.recipient_role },
      accountId: r.account_id,
      kind: r.kind,
      attempts: r.attempts,
      alert: r.alert,
      resend: r.resend === true,
      chatOutcome: r.chat_outcome,
      traceparent: r.traceparent,
    }));
  }

  /** `sent_at` is the first delivery; a resend's delivery is `resent_at`. */
  async markSent(id: string, result: { messageId: string; response: string; subject: string; resend: boolean }): Promise<void> {
    await this.db.query(
      `UPDATE notifier.notifications SET status = 'sent', sent_at = COALESCE(sent_at, now()), resent_at = CASE WHEN $5 THEN now() ELSE resent_at END,
         message_id = $2, smtp_response = $3, subject = $4, last_error = NULL WHERE id = $1`,
      [id, result.messageId, result.response.slice(0, 1000), result.subject, result.resend],
    );
  }

  async recordChat(id: string, outcome: string): Promise<void> {
    await this.db.query('UPDATE notifier.notifications SET chat_outcome = $2 WHERE id = $1', [id, outcome]);
  }

  async markRetry(id: string, error: string, retryInMs: number): Promise<void> {
    await this.db.query(
      `UPDATE notifier.notifications SET status = 'retrying', last_error = $2, next_attempt_at = now() + make_interval(secs => $3::double precision / 1000) WHERE id = $1`,
      [id, error.slice(0, 1000), retryInMs],
    );
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.db.query(`UPDATE notifier.notifications SET status = 'failed', last_error = $2 WHERE id = $1`, [id, error.slice(0, 1000)]);
  }

  /** Not one of ours (any more) when it was due: it does not go, by mail or chat. */
  async markDropped(id: string, because: string): Promise<void> {
    await this.db.query(`UPDATE notifier.notifications SET status = 'dropped', outcome_note = $2 WHERE id = $1`, [id, because]);
  }

  async markSuppressed(id: string, because: string): Promise<void> {
    await this.db.query(`UPDATE notifier.notifications SET status = 'suppressed', outcome_note = $2 WHERE id = $1`, [id, because]);
  }

  /** The last alert mail this recipient got about this account (digests aside), for the noise checks. */
  async lastSent(accountId: string, recipient: string): Promise<{ kind: AlertKind; state: HealthState; at: Date } | null> {
    const [last]: { kind: AlertKind; state: HealthState; sent_at: Date }[] = await this.db.query(
      `SELECT kind, alert->'data'->>'state' AS state, sent_at FROM notifier.notifications
       WHERE account_id = $1 AND recipient = $2 AND status = 'sent' AND kind <> 'digest' ORDER BY sent_at DESC LIMIT 1`,
      [accountId, recipient],
    );
    return last ? { kind: last.kind, state: last.state, at: new Date(last.sent_at) } : null;
  }

  /**
   * Deletes up to `limit` settled notifications (sent, failed, suppressed, superseded, dropped) that
   * nothing happened to since `cutoff` (created, sent or resent); rows still to go always stay.
   */
  async deleteSettledBefore(cutoff: Date, limit: number): Promise<number> {
    // Through a CTE, so the answer is rows alone (an UPDATE or DELETE through TypeORM answers [rows, count]).
    const [{ n }]: { n: number }[] = await this.db.query(
      `WITH gone AS (DELETE FROM notifier.notifications WHERE id IN (
         SELECT id FROM notifier.notifications
         WHERE status IN ('sent', 'failed', 'suppressed', 'superseded', 'dropped')
           AND GREATEST(created_at, sent_at, resend_requested_at, resent_at) < $1
         LIMIT $2)
       RETURNING 1) SELECT count(*)::int AS n FROM gone`,
      [cutoff, limit],
    );
    return n;
  }
}
