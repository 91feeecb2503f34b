import { Inject, Injectable } from '@nestjs/common';
import type { DashboardConfig } from '@forewarn/config';
import { type BackoffPolicy, DAY_MS, liveFailures, retryAfterMs, SignInFailuresRepository, TxHost } from '@forewarn/database';
import { DASHBOARD_CONFIG } from '../common/dashboard.config';
import { AddressFailures } from './address-failures';

/** A client address may fail this many times more often than one account before it waits. */
const ADDRESS_FACTOR = 4;

/**
 * Failed sign-ins slow the next attempt down, per account (shared by every instance, PostgreSQL)
 * and per client address (this instance's memory), on the backoff schedule of `BackoffPolicy`.
 * Whatever checks a password (sign-in, password change) asks `begin` first and reports how it went.
 *
 * An attempt is counted before its password is checked, so a burst of parallel guesses cannot slip
 * past the count; a failure then restarts the wait from its end, a success resets the count.
 */
@Injectable()
export class SignInThrottle {
  private readonly policy: BackoffPolicy;
  private readonly addresses: AddressFailures;

  constructor(@Inject(DASHBOARD_CONFIG) config: DashboardConfig, private readonly accounts: SignInFailuresRepository, private readonly txHost: TxHost) {
    this.policy = {
      freeFailures: config.DASHBOARD_LOGIN_FREE_FAILURES,
      baseMs: config.DASHBOARD_LOGIN_BACKOFF_SECONDS * 1000,
      maxMs: config.DASHBOARD_LOGIN_BACKOFF_MAX_SECONDS * 1000,
      forgetAfterMs: DAY_MS,
    };
    this.addresses = new AddressFailures({ ...this.policy, freeFailures: this.policy.freeFailures * ADDRESS_FACTOR });
  }

  /** 0 when a password may be checked now (the attempt is counted as a failure until `succeeded`), else milliseconds to wait. */
  async begin(email: string, address: string): Promise<number> {
    const addressWait = this.addresses.begin(address);
    if (addressWait > 0) return addressWait;
    const accountWait = await this.beginForAccount(email).catch((error: unknown) => {
      this.addresses.forgive(address);
      throw error;
    });
    if (accountWait > 0) this.addresses.forgive(address); // the password was not checked: nothing to count
    return accountWait;
  }

  /** The password was wrong: both waits count from now, when the failure is known, not from when checking began. */
  async failed(email: string, address: string): Promise<void> {
    this.addresses.failed(address);
    await this.accounts.failedNow(email);
  }

  /** The password was right: the account's count starts again. */
  async succeeded(email: string, address: string): Promise<void> {
    this.addresses.forgive(address);
    await this.accounts.reset(email);
  }

  /** Forgets account counts nobody added to for a long time (they no longer slow anyone down). */
  prune(): Promise<number> {
    return this.accounts.prune(this.policy.forgetAfterMs);
  }

  /** Counts an attempt at the account; 0 when it may go ahead, else the milliseconds to wait (nothing counted). */
  private beginForAccount(email: string): Promise<number> {
    return this.txHost.withTransaction(async () => {
      const { count, now } = await this.accounts.lock(email);
      const wait = retryAfterMs(count, now, this.policy);
      if (wait > 0) return wait;
      await this.accounts.setFailures(email, liveFailures(count, now, this.policy) + 1);
      return 0;
    });
  }
}
