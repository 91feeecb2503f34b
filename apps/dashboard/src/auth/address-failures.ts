import { type BackoffPolicy, type FailureCount, liveFailures, retryAfterMs } from '@forewarn/database';

/**
 * Failed sign-ins per client address, in this instance's memory (each instance counts what it
 * sees; the per-account count in PostgreSQL is the one all instances share). Like the account
 * count, an attempt is counted before its password is checked; a success takes that one back but
 * does not clear the address, whose other attempts may have been at other accounts.
 */
export class AddressFailures {
  private readonly counts = new Map<string, FailureCount>();

  constructor(private readonly policy: BackoffPolicy, private readonly maxAddresses = 10_000, private readonly clock: () => number = Date.now) {}

  /** Counts an attempt from `address`; 0 when it may go ahead, else the milliseconds to wait (nothing counted). */
  begin(address: string): number {
    const now = this.clock();
    const count = this.counts.get(address);
    const wait = retryAfterMs(count, now, this.policy);
    if (wait > 0) return wait;
    this.counts.delete(address); // re-inserted last: the map stays in order of last use
    this.counts.set(address, { failures: liveFailures(count, now, this.policy) + 1, lastFailureAt: now });
    this.bound(now);
    return 0;
  }

  /** The attempt counted by `begin` failed: the wait counts from now. */
  failed(address: string): void {
    const count = this.counts.get(address);
    if (count) count.lastFailureAt = Math.max(count.lastFailureAt, this.clock());
  }

  /** The attempt counted by `begin` turned out to be a success (or was refused elsewhere): take it back. */
  forgive(address: string): void {
    const count = this.counts.get(address);
    if (!count) return;
    if (count.failures <= 1) this.counts.delete(address);
    else count.failures -= 1;
  }

  get size(): number {
    return this.counts.size;
  }

  private bound(now: number): void {
    if (this.counts.size <= this.maxAddresses) return;
    for (const [address, count] of this.counts) {
      if (liveFailures(count, now, this.policy) === 0) this.counts.delete(address);
    }
    // Still full: the addresses least recently seen go first.
    for (const address of this.counts.keys()) {
      if (this.counts.size <= this.maxAddresses) break;
      this.counts.delete(address);
    }
  }
}
