import { Inject, Injectable, Logger } from '@nestjs/common';
import { planNotification, recipientsFor } from '@forewarn/alerting';
import type { NotifierConfig } from '@forewarn/config';
import { type AlertRaised, alertRaisedSchema } from '@forewarn/contracts';
import { type BatchOutcome, type ConsumedMessage, parseJson } from '@forewarn/messaging';
import { Metrics } from '@forewarn/service-kit';
import { DataSource } from 'typeorm';
import { NotificationsStore } from '../delivery/notifications.store';
import { NOTIFIER_CONFIG } from '../notifier.config';

/**
 * Turns alert decisions into notification rows: one per alert and recipient (unique, so a
 * redelivered alert is a no-op), grouped so that a burst about one account becomes one mail.
 * One transaction per batch; Kafka offsets are committed only after it.
 */
@Injectable()
export class IntakeService {
  private readonly logger = new Logger(IntakeService.name);
  private readonly queued;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig,
    metrics: Metrics,
  ) {
    this.queued = metrics.counter('forewarn_notifications_queued_total', 'Notifications queued, by kind and outcome', ['kind', 'outcome']);
  }

  async applyBatch(batch: ConsumedMessage[]): Promise<BatchOutcome> {
    const rejected: BatchOutcome['rejected'] = [];
    const alerts: AlertRaised[] = [];
    for (const message of batch) {
      const json = parseJson(message);
      if (json === null) {
        rejected.push({ message, reason: 'value is not valid JSON' });
        continue;
      }
      if ((json as { type?: unknown }).type !== 'forewarn.alert.raised') continue; // other alert-topic events (e.g. acknowledgements) are not ours
      const parsed = alertRaisedSchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        rejected.push({ message, reason: `invalid forewarn.alert.raised: ${issue.path.join('.') || 'value'} ${issue.message}` });
        continue;
      }
      alerts.push(parsed.data);
    }
    if (alerts.length === 0) return { rejected };

    const now = new Date();
    await this.db.transaction(async (tx) => {
      const store = new NotificationsStore(tx);
      for (const alert of alerts) {
        for (const recipient of recipientsFor(alert.data)) {
          const id = await store.add(alert, recipient, new Date(now.getTime() + this.config.NOTIFY_GROUP_WAIT_MS));
          if (id === null) {
            this.queued.inc({ kind: alert.data.kind, outcome: 'duplicate' });
            continue;
          }
          const waiting = await store.findWaiting(alert.data.account.id, recipient.email, id);
          const plan = planNotification(waiting, alert.data, now, this.config.NOTIFY_GROUP_WAIT_MS);
          if (plan.supersedes) await store.supersede(plan.supersedes, id);
          await store.reschedule(id, plan.dueAt, plan.cancelled);
          this.queued.inc({ kind: alert.data.kind, outcome: plan.cancelled ? 'cancelled' : plan.supersedes ? 'grouped' : 'queued' });
        }
      }
    });
    this.logger.log({ msg: 'alerts queued', alerts: alerts.length });
    return { rejected };
  }
}
