import { Inject, Injectable } from '@nestjs/common';
import type { DashboardConfig } from '@forewarn/config';
import { type BackoffPolicy, DAY_MS, SignInFailures } from '@forewarn/database';
import { DataSource } from 'typeorm';
import { DASHBOARD_CONFIG } from '../dashboard.config';
import { AddressFailures } from './address-failures';

/** A client address may fail this many times more often than one account before it waits. */
const ADDRESS_FACTOR = 4;

/**
 * Failed sign-ins slow the next attempt down, per account (shared by every instance, PostgreSQL)
 * and per client address (this instance's memory), on the backoff schedule of `BackoffPolicy`.
 * Whatever checks a password (sign-in, password change) asks `begin` first and reports how it went.
 */
@Injectable()
export class SignInThrottle {
  private readonly addresses: AddressFailures;
  private readonly accounts: SignInFailures;

  constructor(@Inject(DASHBOARD_CONFIG) config: DashboardConfig, @Inject(DataSource) db: DataSource) {
    const policy: BackoffPolicy = {
      freeFailures: config.DASHBOARD_LOGIN_FREE_FAILURES,
      baseMs: config.DASHBOARD_LOGIN_BACKOFF_SECONDS * 1000,
      maxMs: config.DASHBOARD_LOGIN_BACKOFF_MAX_SECONDS * 1000,
      forgetAfterMs: DAY_MS,
    };
    this.accounts = new SignInFailures(db, policy);
    this.addresses = new AddressFailures({ ...policy, freeFailures: policy.freeFailures * ADDRESS_FACTOR });
  }

  /** 0 when a password may be checked now (the attempt is counted as a failure until `succeeded`), else milliseconds to wait. */
  async begin(email: string, address: string): Promise<number> {
    const addressWait = this.addresses.begin(address);
    if (addressWait > 0) return addressWait;
    const accountWait = await this.accounts.begin(email).catch((error: unknown) => {
      this.addresses.forgive(address);
      throw error;
    });
    if (accountWait > 0) this.addresses.forgive(address); // the password was not checked: nothing to count
    return accountWait;
  }

  /** The password was wrong: both waits count from now. */
  async failed(email: string, address: string): Promise<void> {
    this.addresses.failed(address);
    await this.accounts.failed(email);
  }

  async succeeded(email: string, address: string): Promise<void> {
    this.addresses.forgive(address);
    await this.accounts.succeeded(email);
  }

  prune(): Promise<number> {
    return this.accounts.prune();
  }
}
