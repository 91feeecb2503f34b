import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AccountHealthConfig } from '@forewarn/config';
import { AccountsRepository, HealthRepository, withSessionLock } from '@forewarn/database';
import type { RecomputeCause } from '@forewarn/projection';
import { Metrics, BackgroundWorker, inSpan } from '@forewarn/service-kit';
import { DataSource } from 'typeorm';
import { ACCOUNT_HEALTH_CONFIG } from '../account-health.config';
import { OutboxRelay } from '../outbox/outbox-relay';
import { HealthPolicyHolder } from '../policy/health-policy.holder';
import { ProjectionService } from '../projection/projection.service';

const CHUNK = 200;

/**
 * The periodic sweep: re-evaluates accounts whose health changes with time alone (a case nobody
 * touched, a meeting now 24 h away, a fix fading from memory) and raises the alerts that follow,
 * briefings included, through the same outbox. Only one instance sweeps at a time: each run
 * holds a PostgreSQL advisory lock (`pg_try_advisory_lock`), and an instance that does not get
 * it skips the run. A policy reload sweeps every account once.
 */
@Injectable()
export class HealthSweep implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HealthSweep.name);
  private readonly worker: BackgroundWorker;
  private everything = false;
  private readonly runs;
  private readonly evaluated;
  private readonly duration;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    private readonly accounts: AccountsRepository,
    private readonly health: HealthRepository,
    private readonly projection: ProjectionService,
    private readonly relay: OutboxRelay,
    private readonly policy: HealthPolicyHolder,
    @Inject(ACCOUNT_HEALTH_CONFIG) private readonly config: AccountHealthConfig,
    metrics: Metrics,
  ) {
    this.runs = metrics.counter('forewarn_health_sweeps_total', 'Sweep runs, by outcome (swept, skipped: another instance holds the lock, failed)', ['outcome']);
    this.evaluated = metrics.counter('forewarn_health_sweep_accounts_total', 'Accounts re-evaluated by the sweep');
    this.duration = metrics.histogram('forewarn_health_sweep_seconds', 'Duration of a sweep run', [], [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120]);
    this.worker = new BackgroundWorker({
      name: 'sweep', intervalMs: config.HEALTH_SWEEP_INTERVAL_MS, maxBackoffMs: config.HEALTH_SWEEP_INTERVAL_MS, metrics,
      pass: async () => {
        await this.sweepOnce().catch((error: unknown) => {
          this.runs.inc({ outcome: 'failed' });
          throw error;
        });
        // A policy reload during this run: sweep everything again at once.
        return this.everything ? 'more' : 'idle';
      },
    });
  }

  onApplicationBootstrap(): void {
    this.policy.onChange(() => {
      this.everything = true;
      this.wake();
    });
    this.worker.start();
  }

  /** Sweep soon instead of at the next interval. */
  wake(): void {
    this.worker.wake();
  }

  /**
   * One run under the advisory lock, in a trace of its own (what it raises goes out in it); returns
   * how many accounts it re-evaluated (null: another instance holds the lock).
   */
  async sweepOnce(now = new Date()): Promise<number | null> {
    return inSpan('health sweep', { root: true }, async (span) => {
      const swept = await this.sweepLocked(now);
      span.setAttribute('forewarn.sweep.accounts', swept ?? 0);
      return swept;
    });
  }

  private async sweepLocked(now: Date): Promise<number | null> {
    const swept = await withSessionLock(this.db, 'sweep', async () => {
      const cause: RecomputeCause = this.everything ? 'policy' : 'sweep';
      this.everything = false;
      const stop = this.duration.startTimer();
      const policy = this.policy.current();
      const accountIds: string[] = cause === 'policy'
        ? await this.accounts.allIds()
        : await this.projection.inTransaction(() => this.health.accountsToSweep(policy.briefing.hoursBefore, now));
      let changed = 0;
      for (let i = 0; i < accountIds.length && !this.worker.isStopped; i += CHUNK) {
        changed += await this.projection.recompute(accountIds.slice(i, i + CHUNK), now, cause, policy);
      }
      this.evaluated.inc(accountIds.length);
      this.runs.inc({ outcome: 'swept' });
      stop();
      if (accountIds.length > 0) this.relay.wake();
      if (changed > 0) {
        this.logger.log({ msg: 'sweep changed account health', cause, accounts: accountIds.length, changed });
      }
      return accountIds.length;
    });
    if (swept === null) {
      // Another instance is sweeping (it reloads the same policy file and sweeps everything itself).
      this.everything = false;
      this.runs.inc({ outcome: 'skipped' });
    }
    return swept;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }
}
