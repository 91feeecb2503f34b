import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NotifierConfig } from '@forewarn/config';
import { DigestsRepository, NotificationsRepository, tryLockForTransaction, TxHost, WriteBacksRepository } from '@forewarn/database';
import { BackgroundWorker, Metrics } from '@forewarn/service-kit';
import type { Counter } from 'prom-client';
import { NOTIFIER_CONFIG } from '../notifier.config';

const DAY_MS = 86_400_000;
/** Notifications deleted per pass, each pass one short transaction; a full pass runs the next at once. */
export const LEDGER_RETENTION_BATCH = 5_000;
/** Hourly is plenty for a cut-off counted in days; the first pass waits a minute after start. */
const INTERVAL_MS = 3_600_000;
const FIRST_PASS_DELAY_MS = 60_000;

/**
 * Deletes settled notifications (sent, failed, suppressed, superseded, dropped) that nothing
 * happened to for `FOREWARN_RETENTION_NOTIFICATIONS_DAYS`, the records of digests composed before
 * then, and settled notes of the write-back ledger; what is still to go always stays. One instance at a time: each pass holds an
 * advisory lock for its transaction, and an instance that does not get it skips the pass.
 */
@Injectable()
export class LedgerRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly days: number | null;
  private readonly deleted: Counter<string>;
  private readonly worker: BackgroundWorker;

  constructor(
    private readonly txHost: TxHost,
    private readonly notifications: NotificationsRepository,
    private readonly digests: DigestsRepository,
    private readonly writeBacks: WriteBacksRepository,
    @Inject(NOTIFIER_CONFIG) config: NotifierConfig,
    metrics: Metrics,
  ) {
    this.days = config.FOREWARN_RETENTION_NOTIFICATIONS_DAYS;
    this.deleted = metrics.counter('forewarn_retention_deleted_rows_total', 'Rows deleted because they outlived their retention, by table', ['table']);
    this.worker = new BackgroundWorker({
      name: 'retention', intervalMs: INTERVAL_MS, metrics,
      pass: async () => {
        const deleted = await this.cleanOnce(new Date());
        return deleted?.notifications === LEDGER_RETENTION_BATCH || deleted?.writeBacks === LEDGER_RETENTION_BATCH ? 'more' : 'idle';
      },
    });
  }

  onApplicationBootstrap(): void {
    if (this.days !== null) this.worker.start(FIRST_PASS_DELAY_MS);
  }

  /** One pass: how many rows it deleted, or `null` when another instance holds the lock. */
  async cleanOnce(now: Date): Promise<{ notifications: number; digests: number; writeBacks: number } | null> {
    if (this.days === null) return { notifications: 0, digests: 0, writeBacks: 0 };
    const cutoff = new Date(now.getTime() - this.days * DAY_MS);
    const deleted = await this.txHost.withTransaction(async () => {
      if (!(await tryLockForTransaction(this.txHost.tx, 'ledgerRetention'))) return null;
      return {
        notifications: await this.notifications.deleteSettledBefore(cutoff, LEDGER_RETENTION_BATCH),
        digests: await this.digests.forgetBefore(cutoff.toISOString().slice(0, 10)),
        writeBacks: await this.writeBacks.deleteSettledBefore(cutoff, LEDGER_RETENTION_BATCH),
      };
    });
    if (deleted?.notifications) this.deleted.inc({ table: 'notifier.notifications' }, deleted.notifications);
    if (deleted?.digests) this.deleted.inc({ table: 'notifier.digests' }, deleted.digests);
    if (deleted?.writeBacks) this.deleted.inc({ table: 'notifier.write_backs' }, deleted.writeBacks);
    return deleted;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }
}
