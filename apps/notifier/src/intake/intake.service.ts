import { Inject, Injectable, Logger } from '@nestjs/common';
import { AudienceBook, planNotification, recipientsFor, sendTime, validTimeZone } from '@forewarn/alerting';
import type { NotifierConfig } from '@forewarn/config';
import { ALERT_TOPIC_SCHEMAS, type AlertRaised, type AlertTopicMessage } from '@forewarn/contracts';
import { AccountStatusRepository, AcknowledgementsRepository, NotificationsRepository, PreferencesRepository, SnoozesRepository, TxHost } from '@forewarn/database';
import { type BatchOutcome, type ConsumedMessage, parseJson } from '@forewarn/messaging';
import { inTrace, Metrics } from '@forewarn/service-kit';
import { NOTIFIER_CONFIG, noisePolicyOf, preferenceDefaultsOf } from '../notifier.config';
import { WriteBackPlanner } from '../writeback/write-back-planner';

/** When a message says it happened; now, when it says something that is not a time. */
const timeOf = (time: string): Date => (Number.isNaN(Date.parse(time)) ? new Date() : new Date(time));

/**
 * Turns alert decisions into notification rows: one per alert and recipient (unique, so a
 * redelivered alert is a no-op), grouped so that a burst about one account becomes one mail, and
 * held through the recipient's quiet hours unless urgent. Also records what people said back
 * (acknowledgements, snoozes, preferences). One transaction per batch; Kafka offsets after it.
 */
@Injectable()
export class IntakeService {
  private readonly logger = new Logger(IntakeService.name);
  private readonly queued;

  constructor(
    private readonly txHost: TxHost,
    private readonly notifications: NotificationsRepository,
    private readonly preferences: PreferencesRepository,
    private readonly acknowledgements: AcknowledgementsRepository,
    private readonly snoozes: SnoozesRepository,
    private readonly accountStatus: AccountStatusRepository,
    @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig,
    private readonly audience: AudienceBook,
    private readonly writeBack: WriteBackPlanner,
    metrics: Metrics,
  ) {
    this.queued = metrics.counter('forewarn_notifications_queued_total', 'Notifications queued, by kind and outcome', ['kind', 'outcome']);
  }

  async applyBatch(batch: ConsumedMessage[]): Promise<BatchOutcome> {
    const rejected: BatchOutcome['rejected'] = [];
    // Each with the trace it came in: an alert's notifications are delivered in it.
    const messages: { message: AlertTopicMessage; traceparent: string | null }[] = [];
    for (const message of batch) {
      const json = parseJson(message);
      if (json === null) {
        rejected.push({ message, reason: 'value is not valid JSON' });
        continue;
      }
      const type = String((json as { type?: unknown }).type);
      const schema = ALERT_TOPIC_SCHEMAS[type as keyof typeof ALERT_TOPIC_SCHEMAS];
      if (!schema) {
        rejected.push({ message, reason: `unknown type on the alerts topic: ${type}` });
        continue;
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        rejected.push({ message, reason: `invalid ${type}: ${issue.path.join('.') || 'value'} ${issue.message}` });
        continue;
      }
      messages.push({ message: parsed.data as AlertTopicMessage, traceparent: message.traceparent });
    }
    if (messages.length === 0) return { rejected };

    // The whole batch is one unit of work: Kafka's offsets are committed after it.
    await this.txHost.withTransaction(async () => {
      for (const { message, traceparent } of messages) {
        switch (message.type) {
          case 'forewarn.alert.raised':
            await this.recordAlert(message);
            await inTrace(traceparent, () => this.queue(message, traceparent));
            await this.writeBack.alertRaised(message);
            break;
          case 'forewarn.alert.acknowledged':
            await this.acknowledgements.record(message);
            await this.writeBack.acknowledged(message);
            break;
          case 'forewarn.account.snoozed':
            await this.snoozes.record(message);
            break;
          case 'forewarn.preferences.updated':
            await this.preferences.save(message);
            break;
          case 'forewarn.notification.resend_requested':
            await this.notifications.resend(message.data.notificationId, message.data.accountId, message.data.by.email, timeOf(message.time));
            break;
        }
      }
    });
    this.logger.log({ msg: 'alert topic batch applied', messages: messages.length });
    return { rejected };
  }

  private async recordAlert(alert: AlertRaised): Promise<void> {
    await this.accountStatus.record(alert);
    // Acknowledgements and snoozes end by themselves when the account recovers.
    if (alert.data.kind === 'all-clear') {
      await this.acknowledgements.clear(alert.data.account.id);
      await this.snoozes.clear(alert.data.account.id);
    }
  }

  private async queue(alert: AlertRaised, traceparent: string | null): Promise<void> {
    const now = new Date();
    const facts = { kind: alert.data.kind, state: alert.data.state, meetingAt: alert.data.nextMeeting ? new Date(alert.data.nextMeeting.startsAt) : null };
    // Only our own people: a customer who organised the meeting is recorded as dropped, never mailed.
    const { kept, dropped } = await this.audience.split(recipientsFor(alert.data));
    for (const { recipient, reason } of dropped) {
      const id = await this.notifications.addDropped(alert, recipient, reason, traceparent);
      this.queued.inc({ kind: alert.data.kind, outcome: id === null ? 'duplicate' : 'dropped' });
      if (id !== null) this.logger.log({ msg: 'recipient dropped: only our own people hear about an account', alertId: alert.id, account: alert.data.account.id, role: recipient.role, reason });
    }
    for (const recipient of kept) {
      const id = await this.notifications.add(alert, recipient, new Date(now.getTime() + this.config.NOTIFY_GROUP_WAIT_MS), traceparent);
      if (id === null) {
        this.queued.inc({ kind: alert.data.kind, outcome: 'duplicate' });
        continue;
      }
      const waiting = await this.notifications.findWaiting(alert.data.account.id, recipient.email, id);
      const plan = planNotification(waiting, alert.data, now, this.config.NOTIFY_GROUP_WAIT_MS);
      if (plan.supersedes) await this.notifications.supersede(plan.supersedes, id);
      const prefs = (await this.preferences.of(recipient.email)) ?? preferenceDefaultsOf(this.config);
      const timing = sendTime(plan.dueAt, facts, prefs, validTimeZone(alert.data.account.timezone), now, noisePolicyOf(this.config));
      const toDigest = prefs.mode === 'digest' && alert.data.kind === 'heads-up' && alert.data.state !== 'firestorm';
      await this.notifications.reschedule(id, timing.dueAt, plan.cancelled || toDigest ? (toDigest ? 'in the digest (preference)' : 'cancelled out by a recovery within the group wait') : null);
      this.queued.inc({ kind: alert.data.kind, outcome: plan.cancelled ? 'cancelled' : toDigest ? 'digest' : timing.held ? 'held' : plan.supersedes ? 'grouped' : 'queued' });
    }
  }
}
