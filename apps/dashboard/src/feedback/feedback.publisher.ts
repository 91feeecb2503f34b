import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AccountSnoozed, AlertAcknowledged, AlertTopicMessage, HealthState, NotificationResend, PreferencesUpdated } from '@forewarn/contracts';
import { Publisher, TOPICS } from '@forewarn/messaging';
import { Problem } from '@forewarn/service-kit';
import type { Topics } from '@forewarn/contracts';

const SOURCE = '/forewarn/dashboard';
type Person = { email: string; name?: string };
type Via = 'email' | 'dashboard';

/**
 * What people say back — acknowledgements, snoozes, preferences, resend requests — goes to the
 * notifier as events on `<prefix>alerts.v1`, so the notifier alone owns its state and a helpdesk
 * can listen for "sales is aware".
 */
@Injectable()
export class FeedbackPublisher {
  constructor(private readonly publisher: Publisher, @Inject(TOPICS) private readonly topics: Topics) {}

  acknowledge(input: { alertId: string; accountId: string; state: HealthState; by: Person; via: Via }, at = new Date()): Promise<AlertAcknowledged> {
    return this.send(input.accountId, { ...this.envelope(at), type: 'forewarn.alert.acknowledged', data: input });
  }

  snooze(input: { accountId: string; state: HealthState; by: Person; until: Date; via: Via }): Promise<AccountSnoozed> {
    return this.send(input.accountId, { ...this.envelope(), type: 'forewarn.account.snoozed', data: { ...input, until: input.until.toISOString() } });
  }

  preferences(data: PreferencesUpdated['data']): Promise<PreferencesUpdated> {
    return this.send(data.email, { ...this.envelope(), type: 'forewarn.preferences.updated', data });
  }

  resend(data: NotificationResend['data']): Promise<NotificationResend> {
    return this.send(data.accountId, { ...this.envelope(), type: 'forewarn.notification.resend_requested', data });
  }

  private envelope(time = new Date()) {
    return { specversion: '1.0' as const, id: randomUUID(), source: SOURCE, time: time.toISOString() };
  }

  private async send<T extends AlertTopicMessage>(key: string, message: T): Promise<T> {
    try {
      await this.publisher.publish([{ topic: this.topics.alerts, messages: [{ key, value: JSON.stringify(message) }] }]);
    } catch {
      // Nothing was recorded: say so, so the person can try again, instead of pretending.
      throw new Problem(503, 'Service Unavailable', 'Kafka is not reachable right now; nothing was recorded. Try again in a moment.', { headers: { 'Retry-After': '5' } });
    }
    return message;
  }
}
