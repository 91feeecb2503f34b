import type { HealthState } from '@forewarn/contracts';
import type { Person } from '../common/person';

/** Resends of one notification: how many, the last one asked for (when, by whom) and when it went out. */
export interface Resends {
  count: number;
  lastRequestedAt: string | null;
  lastRequestedBy: string | null;
  lastSentAt: string | null;
}

export interface Delivery {
  /** The notification's id in the notifier's ledger (for `POST /api/notifications/:id/resend`). */
  id: string;
  recipient: string;
  recipientName: string | null;
  role: string | null;
  /** pending, retrying, sent, failed, suppressed or superseded (README, "Notification ledger"). */
  status: string;
  attempts: number;
  /** When the mail first went out; a resend does not change it. */
  sentAt: string | null;
  lastError: string | null;
  /** Why the notifier held it back or sent it again, in its words. */
  note: string | null;
  resends: Resends;
}

/** Who acknowledged an alert first, when, and from where (`email` link or `dashboard`). */
export interface Acknowledgement {
  by: Person;
  at: string;
  via: string;
}

/** What the account team said back (from the notifier): someone is on it, or snoozed it for themselves. */
export interface TeamFeedback {
  acknowledgement: { alertId: string; state: HealthState; by: Person; via: string; at: string } | null;
  snoozes: { email: string; state: HealthState; until: string; via: string; at: string }[];
}

export interface AlertView {
  id: string;
  accountId: string;
  accountName: string;
  kind: string;
  state: HealthState;
  previousState: HealthState | null;
  score: number;
  createdAt: string;
  headline: string | null;
  acknowledged: Acknowledgement | null;
  deliveries: Delivery[];
}
