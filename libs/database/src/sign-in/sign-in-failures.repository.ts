import type { DataSource } from 'typeorm';
import { queryRows } from '../query-rows';
import { type BackoffPolicy, liveFailures, retryAfterMs } from './backoff';

/**
 * Failed sign-ins per account (e-mail), in PostgreSQL so that every dashboard instance sees the
 * same count (`dashboard.sign_in_failures`). E-mails that belong to nobody are counted too: a
 * throttled unknown e-mail looks exactly like a throttled known one.
 *
 * An attempt is counted before its password is checked, so a burst of parallel guesses cannot slip
 * past the count; a failure then restarts the wait from its end, a success resets the count.
 */
export class SignInFailures {
  constructor(private readonly db: DataSource, private readonly policy: BackoffPolicy) {}

  /** Counts an attempt at `email`; 0 when it may go ahead, else the milliseconds to wait (nothing counted). */
  async begin(email: string): Promise<number> {
    const key = email.trim().toLowerCase();
    return this.db.transaction(async (manager) => {
      // Creates the row or locks the existing one, so concurrent attempts at one account queue here.
      const [row] = await queryRows<{ failures: number; last_failure_at: Date; now: Date }>(
        manager,
        `INSERT INTO dashboard.sign_in_failures (email, failures, last_failure_at) VALUES ($1, 0, now())
         ON CONFLICT (email) DO UPDATE SET failures = dashboard.sign_in_failures.failures
         RETURNING failures, last_failure_at, now() AS now`,
        [key],
      );
      const count = { failures: row.failures, lastFailureAt: new Date(row.last_failure_at).getTime() };
      const now = new Date(row.now).getTime();
      const wait = retryAfterMs(count, now, this.policy);
      if (wait > 0) return wait;
      await manager.query('UPDATE dashboard.sign_in_failures SET failures = $2, last_failure_at = now() WHERE email = $1', [key, liveFailures(count, now, this.policy) + 1]);
      return 0;
    });
  }

  /** The password was wrong: the wait counts from now, when the failure is known, not from when checking began. */
  async failed(email: string): Promise<void> {
    await this.db.query('UPDATE dashboard.sign_in_failures SET last_failure_at = now() WHERE email = $1', [email.trim().toLowerCase()]);
  }

  /** The password was right: the account's count starts again. */
  async succeeded(email: string): Promise<void> {
    await this.db.query('DELETE FROM dashboard.sign_in_failures WHERE email = $1', [email.trim().toLowerCase()]);
  }

  /** Forgets counts nobody added to for a long time (they no longer slow anyone down). */
  async prune(): Promise<number> {
    const rows = await queryRows<{ email: string }>(
      this.db,
      'DELETE FROM dashboard.sign_in_failures WHERE last_failure_at < now() - make_interval(secs => $1::float8) RETURNING email',
      [this.policy.forgetAfterMs / 1000],
    );
    return rows.length;
  }
}
