import { Injectable } from '@nestjs/common';
import { FeedbackClaimsRepository, type User } from '@forewarn/database';
import type { AlertView, TeamFeedback } from './alert.types';
import { type AlertFilters, AlertsReadModel } from './alerts.read-model';

/** Alerts about the accounts a user can see, and what the account team said back. */
@Injectable()
export class AlertsService {
  constructor(private readonly alerts: AlertsReadModel, private readonly claims: FeedbackClaimsRepository) {}

  /** Newest first. Acknowledged: the first acknowledgement the dashboard published, else the notifier's. */
  async list(user: User, filters: AlertFilters): Promise<AlertView[]> {
    const alerts = await this.alerts.list(user, filters);
    const own = await this.claims.acknowledgementsOf(alerts.map((alert) => alert.id));
    return alerts.map((alert) => {
      const ack = own.get(alert.id);
      return ack ? { ...alert, acknowledged: { by: { email: ack.by.email, name: ack.by.name }, at: ack.at.toISOString(), via: ack.via } } : alert;
    });
  }

  /** The account's acknowledgement and snoozes, as the notifier has them. */
  feedback(accountId: string): Promise<TeamFeedback> {
    return this.alerts.feedback(accountId);
  }
}
