import { Injectable, Logger } from '@nestjs/common';
import { type HealthPolicy } from '@forewarn/health';
import { lockForTransaction, TxHost } from '@forewarn/database';
import { parseMessages, Projector, type RecomputeCause, type RecomputeOutcome } from '@forewarn/projection';
import type { BatchOutcome, ConsumedMessage } from '@forewarn/messaging';
import { inTrace, Metrics } from '@forewarn/service-kit';
import { HealthPolicyHolder } from '../policy/health-policy.holder';

/**
 * Turns a batch of inbound events into projections in one PostgreSQL transaction: the event
 * store (idempotent on source+id), accounts, cases, meetings, health, and the outbox of health
 * changes and alert decisions. Invalid messages are handed back for the dead-letter topic.
 */
@Injectable()
export class ProjectionService {
  private readonly logger = new Logger(ProjectionService.name);
  private readonly applied;
  private readonly duplicates;
  private readonly alertsRaised;
  private readonly changes;

  constructor(private readonly projector: Projector, private readonly txHost: TxHost, private readonly policy: HealthPolicyHolder, metrics: Metrics) {
    this.applied = metrics.counter('forewarn_health_events_applied_total', 'New events applied to the projections');
    this.duplicates = metrics.counter('forewarn_health_events_duplicate_total', 'Redelivered or re-sent events ignored');
    this.alertsRaised = metrics.counter('forewarn_health_alerts_raised_total', 'Alert decisions written to the outbox', ['kind']);
    this.changes = metrics.counter('forewarn_health_changes_total', 'Account health changes (state or score), by what caused them', ['cause']);
  }

  async applyBatch(messages: ConsumedMessage[]): Promise<BatchOutcome> {
    const { events, rejected, traces } = parseMessages(messages);
    if (events.length > 0) {
      const now = new Date();
      const outcome = await this.inTransaction(() => this.projector.apply(events, now, this.policy.current(), traces));
      this.applied.inc(outcome.applied);
      this.duplicates.inc(outcome.duplicates);
      this.committed(outcome, 'events');
    }
    return { rejected };
  }

  /** Re-scores accounts (the sweep, a policy reload) in one transaction; returns how many changed. */
  async recompute(accountIds: string[], now: Date, cause: RecomputeCause, policy: HealthPolicy = this.policy.current()): Promise<number> {
    const outcome = await this.inTransaction(() => this.projector.recompute(accountIds, now, cause, policy));
    this.committed(outcome, cause);
    return outcome.changed;
  }

  /** A projection transaction (the unit of work of every repository called in it): it waits while `forewarn replay` rebuilds the projections. */
  async inTransaction<T>(work: () => Promise<T>): Promise<T> {
    return this.txHost.withTransaction(async () => {
      await lockForTransaction(this.txHost.tx, 'replay', 'shared');
      return work();
    });
  }

  /** Counts and logs what a committed transaction changed; an alert's line is in the trace it was raised in (its event's). */
  private committed(outcome: RecomputeOutcome, cause: RecomputeCause): void {
    this.changes.inc({ cause }, outcome.changed);
    for (const { traceparent, ...alert } of outcome.alerts) {
      this.alertsRaised.inc({ kind: alert.kind });
      inTrace(traceparent, () => this.logger.log({ msg: 'alert raised', ...alert }));
    }
  }
}
