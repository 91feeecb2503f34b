import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { SignedLink } from '@forewarn/alerting';
import type { HealthState } from '@forewarn/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import type { Person } from '../accounts/account.types';
import { FeedbackPublisher } from './feedback.publisher';

type Via = 'email' | 'dashboard';

/** The first acknowledgement of an alert. */
export interface AcknowledgementRecord {
  alertId: string;
  accountId: string;
  state: HealthState;
  by: Person;
  via: string;
  at: Date;
}

/** What became of a press on a link from a mail. */
export type LinkOutcome =
  | { kind: 'acknowledged'; acknowledgement: AcknowledgementRecord; already: boolean }
  | { kind: 'snoozed'; until: Date }
  | { kind: 'used'; usedAt: Date; acknowledgement: AcknowledgementRecord | null; snoozedUntil: Date | null };

interface AckRow {
  alert_id: string;
  account_id: string;
  state: HealthState;
  by_email: string;
  by_name: string | null;
  via: string;
  at: Date;
}

const record = (r: AckRow): AcknowledgementRecord => ({
  alertId: r.alert_id, accountId: r.account_id, state: r.state, by: { email: r.by_email, name: r.by_name }, via: r.via, at: new Date(r.at),
});

/** A link is known by what it says (its signed content), never stored as the credential it is. */
export const linkHash = (link: SignedLink): string =>
  createHash('sha256').update(JSON.stringify([link.action, link.alertId, link.accountId, link.email.toLowerCase(), link.action === 'snooze' ? link.hours : 0, link.expiresAt])).digest('hex');

/**
 * Feedback that is published once: the first acknowledgement of each alert (by link, API or page;
 * whoever comes second is told who was first), and each link from a mail (it works once). The
 * claim is a row inserted in the same transaction that publishes: two presses at the same moment
 * wait for each other on the row, and the second finds the first's; a failed publish rolls the
 * claim back, so the person can try again.
 */
@Injectable()
export class OnceOnlyFeedback {
  constructor(@Inject(DataSource) private readonly db: DataSource, private readonly publisher: FeedbackPublisher) {}

  /** Who acknowledged this alert first, as far as the dashboard or the notifier knows; `null` when nobody did. */
  async acknowledgement(alertId: string, db: EntityManager = this.db.manager): Promise<AcknowledgementRecord | null> {
    const [own]: AckRow[] = await db.query('SELECT alert_id, account_id, state, by_email, by_name, via, at FROM dashboard.acknowledgements WHERE alert_id = $1', [alertId]);
    if (own) return record(own);
    const [notifier]: AckRow[] = await db.query('SELECT alert_id, account_id, state, by_email, by_name, via, at FROM notifier.acknowledgements_view WHERE alert_id = $1', [alertId]);
    return notifier ? record(notifier) : null;
  }

  /** Acknowledges an alert unless someone already did; publishes only the first. */
  acknowledge(input: { alertId: string; accountId: string; state: HealthState; by: { email: string; name?: string }; via: Via }): Promise<{ acknowledgement: AcknowledgementRecord; already: boolean }> {
    return this.db.transaction((tx) => this.acknowledgeIn(tx, input));
  }

  /** Presses a link from a mail: the first press acts, any later one is told what the first did. */
  useLink(link: SignedLink, input: { state: HealthState; now: Date }): Promise<LinkOutcome> {
    return this.db.transaction(async (tx) => {
      const until = link.action === 'snooze' ? new Date(input.now.getTime() + link.hours * 3_600_000) : null;
      const claimed = await tx.query(
        `INSERT INTO dashboard.link_uses (token_hash, action, alert_id, account_id, email, until, used_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (token_hash) DO NOTHING RETURNING token_hash`,
        [linkHash(link), link.action, link.alertId, link.accountId, link.email.toLowerCase(), until, input.now],
      );
      if (claimed.length === 0) return (await this.usedLink(tx, link)) as LinkOutcome;
      const by = { email: link.email };
      if (link.action === 'ack') {
        const acked = await this.acknowledgeIn(tx, { alertId: link.alertId, accountId: link.accountId, state: input.state, by, via: 'email' });
        return { kind: 'acknowledged', ...acked };
      }
      await this.publisher.snooze({ accountId: link.accountId, state: input.state, by, until: until as Date, via: 'email' });
      return { kind: 'snoozed', until: until as Date };
    });
  }

  /** What a used link did: who acknowledged the alert, or until when its snooze runs (the notifier's, if it has one now). */
  async usedLink(db: EntityManager, link: SignedLink): Promise<LinkOutcome | null> {
    const [use]: { used_at: Date; until: Date | null }[] = await db.query('SELECT used_at, until FROM dashboard.link_uses WHERE token_hash = $1', [linkHash(link)]);
    if (!use) return null;
    if (link.action === 'ack') return { kind: 'used', usedAt: new Date(use.used_at), acknowledgement: await this.acknowledgement(link.alertId, db), snoozedUntil: null };
    const [snooze]: { until: Date }[] = await db.query('SELECT until FROM notifier.snoozes_view WHERE account_id = $1 AND email = $2 AND until > now()', [link.accountId, link.email.toLowerCase()]);
    return { kind: 'used', usedAt: new Date(use.used_at), acknowledgement: null, snoozedUntil: snooze ? new Date(snooze.until) : use.until ? new Date(use.until) : null };
  }

  /** Whether this link was used already, and what it did then. */
  linkUse(link: SignedLink): Promise<LinkOutcome | null> {
    return this.usedLink(this.db.manager, link);
  }

  private async acknowledgeIn(
    tx: EntityManager,
    input: { alertId: string; accountId: string; state: HealthState; by: { email: string; name?: string }; via: Via },
  ): Promise<{ acknowledgement: AcknowledgementRecord; already: boolean }> {
    const [notifier]: AckRow[] = await tx.query('SELECT alert_id, account_id, state, by_email, by_name, via, at FROM notifier.acknowledgements_view WHERE alert_id = $1', [input.alertId]);
    if (notifier) return { acknowledgement: record(notifier), already: true };
    const at = new Date();
    const [mine]: AckRow[] = await tx.query(
      `INSERT INTO dashboard.acknowledgements (alert_id, account_id, state, by_email, by_name, via, at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (alert_id) DO NOTHING RETURNING alert_id, account_id, state, by_email, by_name, via, at`,
      [input.alertId, input.accountId, input.state, input.by.email.toLowerCase(), input.by.name ?? null, input.via, at],
    );
    if (!mine) {
      const [first]: AckRow[] = await tx.query('SELECT alert_id, account_id, state, by_email, by_name, via, at FROM dashboard.acknowledgements WHERE alert_id = $1', [input.alertId]);
      return { acknowledgement: record(first), already: true };
    }
    await this.publisher.acknowledge(input, at);
    return { acknowledgement: record(mine), already: false };
  }
}
