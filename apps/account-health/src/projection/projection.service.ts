import { Inject, Injectable, Logger } from '@nestjs/common';
import { type HealthPolicy } from '@forewarn/health';
import { lockForTransaction } from '@forewarn/database';
import { parseMessages, ProjectionStore, Projector, type RecomputeCause } from '@forewarn/projection';
import type { BatchOutcome, ConsumedMessage } from '@forewarn/messaging';
import { Metrics } from '@forewarn/service-kit';
import { DataSource, type EntityManager } from 'typeorm';
import { HealthPolicyHolder } from '../policy/health-policy.holder';

/**
 * Turns a batch of inbound events into projections in one PostgreSQL transaction: the event
 * store (idempotent on source+id), accounts, cases, meetings, health, and the outbox of health
 * changes and alert decisions. Invalid messages are handed back for the dead-letter topic.
 */
@Injectable()
export class ProjectionService {
  private readonly logger = new Logger(ProjectionService.name);
  readonly projector: Projector;

  constructor(@Inject(DataSource) private readonly db: DataSource, policy: HealthPolicyHolder, metrics: Metrics) {
    const applied = metrics.counter('forewarn_health_events_applied_total', 'New events applied to the projections');
    const duplicates = metrics.counter('forewarn_health_events_duplicate_total', 'Redelivered or re-sent events ignored');
    const alertsRaised = metrics.counter('forewarn_health_alerts_raised_total', 'Alert decisions written to the outbox', ['kind']);
    const changes = metrics.counter('forewarn_health_changes_total', 'Account health changes (state or score), by what caused them', ['cause']);
    this.projector = new Projector(() => policy.current(), {
      applied: (n) => applied.inc(n),
      duplicates: (n) => duplicates.inc(n),
      healthChanged: (n, cause) => changes.inc({ cause }, n),
      alertRaised: (alert) => {
        alertsRaised.inc({ kind: alert.kind });
        this.logger.log({ msg: 'alert raised', ...alert });
      },
    });
  }

  async applyBatch(messages: ConsumedMessage[]): Promise<BatchOutcome> {
    const { events, rejected } = parseMessages(messages);
    if (events.length > 0) {
      const now = new Date();
      await this.inTransaction((store) => this.projector.apply(store, events, now));
    }
    return { rejected };
  }

  /** Re-scores accounts (the sweep, a policy reload) in one transaction. */
  async recompute(accountIds: string[], now: Date, cause: RecomputeCause, policy?: HealthPolicy): Promise<number> {
    return this.inTransaction((store) => this.projector.recompute(store, accountIds, now, cause, policy));
  }

  /** A projection transaction: it waits while `forewarn replay` rebuilds the projections. */
  async inTransaction<T>(work: (store: ProjectionStore, tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await lockForTransaction(tx, 'replay', 'shared');
      return work(new ProjectionStore(tx), tx);
    });
  }
}
