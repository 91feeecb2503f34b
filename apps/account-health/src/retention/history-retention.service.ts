import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AccountHealthConfig } from '@forewarn/config';
import { HealthRepository, tryLockForTransaction, TxHost } from '@forewarn/database';
import { BackgroundWorker, Metrics } from '@forewarn/service-kit';
import type { Counter } from 'prom-client';
import { ACCOUNT_HEALTH_CONFIG } from '../account-health.config';

const DAY_MS = 86_400_000;
/** Rows deleted per pass, each pass one short transaction; a full pass runs the next at once. */
export const HISTORY_RETENTION_BATCH = 5_000;
/** Hourly is plenty for a cut-off counted in days; the first pass waits a minute after start. */
const INTERVAL_MS = 3_600_000;
const FIRST_PASS_DELAY_MS = 60_000;

/**
 * Deletes health history older than `FOREWARN_RETENTION_HEALTH_HISTORY_DAYS` (never with `forever`),
 * keeping each account's last point before the cut-off, where a chart of the window starts. One
 * instance at a time: each pass holds an advisory lock for its transaction, and an instance that
 * does not get it skips the pass. `forewarn replay` does not rebuild the history: what is deleted
 * here is gone (docs/OPERATIONS.md, "Retention").
 */
@Injectable()
export class HistoryRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly days: number | null;
  private readonly deleted: Counter<string>;
  private readonly worker: BackgroundWorker;

  constructor(
    private readonly txHost: TxHost,
    private readonly health: HealthRepository,
    @Inject(ACCOUNT_HEALTH_CONFIG) config: AccountHealthConfig,
    metrics: Metrics,
  ) {
    this.days = config.FOREWARN_RETENTION_HEALTH_HISTORY_DAYS;
    this.deleted = metrics.counter('forewarn_retention_deleted_rows_total', 'Rows deleted because they outlived their retention, by table', ['table']);
    this.worker = new BackgroundWorker({
      name: 'retention', intervalMs: INTERVAL_MS, metrics,
      pass: async () => ((await this.cleanOnce(new Date())) === HISTORY_RETENTION_BATCH ? 'more' : 'idle'),
    });
  }

  onApplicationBootstrap(): void {
    if (this.days !== null) this.worker.start(FIRST_PASS_DELAY_MS);
  }

  /** One pass: how many history points it deleted, or `null` when another instance holds the lock. */
  async cleanOnce(now: Date): Promise<number | null> {
    if (this.days === null) return 0;
    const cutoff = new Date(now.getTime() - this.days * DAY_MS);
    const deleted = await this.txHost.withTransaction(async () => {
      if (!(await tryLockForTransaction(this.txHost.tx, 'historyRetention'))) return null;
      return this.health.deleteHistoryBefore(cutoff, HISTORY_RETENTION_BATCH);
    });
    if (deleted) this.deleted.inc({ table: 'health.health_history' }, deleted);
    return deleted;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }
}
