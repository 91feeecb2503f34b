import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AccountHealthConfig } from '@forewarn/config';
import { HEALTH_LOCK, type RecomputeCause } from '@forewarn/projection';
import { Metrics } from '@forewarn/service-kit';
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
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private everything = false;
  private readonly runs;
  private readonly evaluated;
  private readonly duration;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    private readonly projection: ProjectionService,
    private readonly relay: OutboxRelay,
    private readonly policy: HealthPolicyHolder,
    @Inject(ACCOUNT_HEALTH_CONFIG) private readonly config: AccountHealthConfig,
    metrics: Metrics,
  ) {
    this.runs = metrics.counter('forewarn_health_sweeps_total', 'Sweep runs, by outcome (swept, skipped: another instance holds the lock, failed)', ['outcome']);
    this.evaluated = metrics.counter('forewarn_health_sweep_accounts_total', 'Accounts re-evaluated by the sweep');
    this.duration = metrics.histogram('forewarn_health_sweep_seconds', 'Duration of a sweep run', [], [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120]);
  }

  onApplicationBootstrap(): void {
    this.policy.onChange(() => {
      this.everything = true;
      this.wake();
    });
    this.schedule(0);
  }

  /** Sweep soon instead of at the next interval. */
  wake(): void {
    if (!this.running) this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.sweepOnce()
        .then(() => undefined)
        .catch((error) => {
          this.runs.inc({ outcome: 'failed' });
          this.logger.warn({ msg: 'sweep failed, will retry', error: (error as Error).message });
        })
        .finally(() => {
          this.running = null;
          this.schedule(this.everything ? 0 : this.config.HEALTH_SWEEP_INTERVAL_MS);
        });
    }, delayMs);
  }

  /** One run under the advisory lock; returns how many accounts it re-evaluated (null: another instance holds the lock). */
  async sweepOnce(now = new Date()): Promise<number | null> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [HEALTH_LOCK.sweep]);
      if (!locked) {
        // Another instance is sweeping (it reloads the same policy file and sweeps everything itself).
        this.everything = false;
        this.runs.inc({ outcome: 'skipped' });
        return null;
      }
      try {
        const cause: RecomputeCause = this.everything ? 'policy' : 'sweep';
        this.everything = false;
        const stop = this.duration.startTimer();
        const policy = this.policy.current();
        const accountIds: string[] = cause === 'policy'
          ? (await runner.query('SELECT id FROM health.accounts ORDER BY id')).map((r: { id: string }) => r.id)
          : await this.projection.inTransaction((store) => store.accountsToSweep(policy.briefing.hoursBefore, now));
        let changed = 0;
        for (let i = 0; i < accountIds.length && !this.stopped; i += CHUNK) {
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
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [HEALTH_LOCK.sweep]);
      }
    } finally {
      await runner.release();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
