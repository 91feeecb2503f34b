import { Injectable } from '@nestjs/common';
import { TxHost } from '../unit-of-work';
import type { FailureCount } from './backoff';
import { normalEmail } from './normal-email';

/**
 * Failed sign-ins per account (e-mail), in PostgreSQL so that every dashboard instance sees the
 * same count (`dashboard.sign_in_failures`). E-mails that belong to nobody are counted too: a
 * throttled unknown e-mail looks exactly like a throttled known one. Times are the database's.
 */
@Injectable()
export class SignInFailuresRepository {
  constructor(private readonly txHost: TxHost) {}

  private get db() {
    return this.txHost.tx;
  }

  /**
   * The account's count and the database's clock. Creates the row or locks the existing one until
   * the caller's unit of work ends, so concurrent attempts at one account queue here. "Now" is the
   * moment the lock is held (`clock_timestamp()`), not when the transaction began: an attempt that
   * queued behind others must not find their failures older than they are.
   */
  async lock(email: string): Promise<{ count: FailureCount; now: number }> {
    const [row]: { failures: number; last_failure_at: Date; now: Date }[] = await this.db.query(
      `INSERT INTO dashboard.sign_in_failures (email, failures, last_failure_at) VALUES ($1, 0, clock_timestamp())
       ON CONFLICT (email) DO UPDATE SET failures = dashboard.sign_in_failures.failures
       RETURNING failures, last_failure_at, clock_timestamp() AS now`,
      [normalEmail(email)],
    );
    return { count: { failures: row.failures, lastFailureAt: new Date(row.last_failure_at).getTime() }, now: new Date(row.now).getTime() };
  }

  /** Counts `failures` so far, the last one now. */
  async setFailures(email: string, failures: number): Promise<void> {
    await this.db.query('UPDATE dashboard.sign_in_failures SET failures = $2, last_failure_at = clock_timestamp() WHERE email = $1', [normalEmail(email), failures]);
  }

  /** The last failure was now. */
  async failedNow(email: string): Promise<void> {
    await this.db.query('UPDATE dashboard.sign_in_failures SET last_failure_at = clock_timestamp() WHERE email = $1', [normalEmail(email)]);
  }

  /** The account's count starts again. */
  async reset(email: string): Promise<void> {
    await this.db.query('DELETE FROM dashboard.sign_in_failures WHERE email = $1', [normalEmail(email)]);
  }

  /** Forgets counts nobody added to for `forgetAfterMs`; returns how many. */
  async prune(forgetAfterMs: number): Promise<number> {
    const [{ n }]: { n: number }[] = await this.db.query(
      `WITH forgotten AS (DELETE FROM dashboard.sign_in_failures WHERE last_failure_at < now() - make_interval(secs => $1::float8) RETURNING 1)
       SELECT count(*)::int AS n FROM forgotten`,
      [forgetAfterMs / 1000],
    );
    return n;
  }
}
