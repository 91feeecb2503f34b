import { Injectable } from '@nestjs/common';
import { NotificationsRepository } from '@forewarn/database';
import { Metrics } from '@forewarn/service-kit';

/** The notification queue on /metrics, counted in the ledger when Prometheus scrapes. */
@Injectable()
export class LedgerMetrics {
  constructor(metrics: Metrics, notifications: NotificationsRepository) {
    // Both statuses always, 0 when nothing waits, so an alert rule sees the series.
    const queue = async () => {
      const rows = await notifications.queue();
      return (['pending', 'retrying'] as const).map((status) => rows.find((r) => r.status === status) ?? { status, count: 0, oldestDueSeconds: 0 });
    };
    metrics.gauge('forewarn_notifications_waiting', 'Notifications still to go, by status (pending: not tried yet; retrying: the mail server did not take it yet)', ['status'],
      async () => (await queue()).map((q) => ({ labels: { status: q.status }, value: q.count })));
    metrics.gauge('forewarn_notifications_oldest_due_seconds', 'How long the longest-waiting due notification has been due, by status', ['status'],
      async () => (await queue()).map((q) => ({ labels: { status: q.status }, value: q.oldestDueSeconds })));
  }
}
