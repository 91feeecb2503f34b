import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { SignedLink } from '@forewarn/alerting';
import type { HealthState } from '@forewarn/contracts';
import { type AcknowledgementClaim, FeedbackClaimsRepository, TxHost } from '@forewarn/database';
import { FeedbackPublisher } from './feedback.publisher';
import { FeedbackReadModel } from './feedback.read-model';

type Via = 'email' | 'dashboard';

/** What became of a press on a link from a mail. */
export type LinkOutcome =
  | { kind: 'acknowledged'; acknowledgement: AcknowledgementClaim; already: boolean }
  | { kind: 'snoozed'; until: Date }
  | { kind: 'used'; usedAt: Date; acknowledgement: AcknowledgementClaim | null; snoozedUntil: Date | null };

/** A link is known by what it says (its signed content), never stored as the credential it is. */
export const linkHash = (link: SignedLink): string =>
  createHash('sha256').update(JSON.stringify([link.action, link.alertId, link.accountId, link.email.toLowerCase(), link.action === 'snooze' ? link.hours : 0, link.expiresAt])).digest('hex');

/**
 * Feedback that is published once: the first acknowledgement of each alert (by link, API or page;
 * whoever comes second is told who was first), and each link from a mail (it works once). The
 * claim and the publish are one unit of work: two presses at the same moment wait for each other
 * on the claim, and the second finds the first's; a failed publish rolls the claim back, so the
 * person can try again.
 */
@Injectable()
export class OnceOnlyFeedback {
  constructor(
    private readonly txHost: TxHost,
    private readonly claims: FeedbackClaimsRepository,
    private readonly reads: FeedbackReadModel,
    private readonly publisher: FeedbackPublisher,
  ) {}

  /** Who acknowledged this alert first, as far as the dashboard or the notifier knows; `null` when nobody did. */
  async acknowledgement(alertId: string): Promise<AcknowledgementClaim | null> {
    return (await this.claims.acknowledgement(alertId)) ?? (await this.reads.notifierAcknowledgement(alertId));
  }

  /** Acknowledges an alert unless someone already did; publishes only the first. */
  acknowledge(input: { alertId: string; accountId: string; state: HealthState; by: { email: string; name?: string }; via: Via }): Promise<{ acknowledgement: AcknowledgementClaim; already: boolean }> {
    return this.txHost.withTransaction(() => this.acknowledgeOnce(input));
  }

  /** Presses a link from a mail: the first press acts, any later one is told what the first did. */
  useLink(link: SignedLink, input: { state: HealthState; now: Date }): Promise<LinkOutcome> {
    return this.txHost.withTransaction(async () => {
      const until = link.action === 'snooze' ? new Date(input.now.getTime() + link.hours * 3_600_000) : null;
      const claimed = await this.claims.claimLink({
        tokenHash: linkHash(link), action: link.action, alertId: link.alertId, accountId: link.accountId, email: link.email.toLowerCase(), until, usedAt: input.now,
      });
      if (!claimed) return (await this.linkUse(link)) as LinkOutcome;
      const by = { email: link.email };
      if (link.action === 'ack') {
        const acked = await this.acknowledgeOnce({ alertId: link.alertId, accountId: link.accountId, state: input.state, by, via: 'email' });
        return { kind: 'acknowledged', ...acked };
      }
      await this.publisher.snooze({ accountId: link.accountId, state: input.state, by, until: until as Date, via: 'email' });
      return { kind: 'snoozed', until: until as Date };
    });
  }

  /** Whether this link was used already, and what it did then: who acknowledged the alert, or until when its snooze runs (the notifier's, if it has one now). */
  async linkUse(link: SignedLink): Promise<LinkOutcome | null> {
    const use = await this.claims.linkUse(linkHash(link));
    if (!use) return null;
    if (link.action === 'ack') return { kind: 'used', usedAt: use.usedAt, acknowledgement: await this.acknowledgement(link.alertId), snoozedUntil: null };
    const snoozedUntil = await this.reads.snoozedUntil(link.accountId, link.email);
    return { kind: 'used', usedAt: use.usedAt, acknowledgement: null, snoozedUntil: snoozedUntil ?? use.until };
  }

  private async acknowledgeOnce(input: { alertId: string; accountId: string; state: HealthState; by: { email: string; name?: string }; via: Via }): Promise<{ acknowledgement: AcknowledgementClaim; already: boolean }> {
    const byNotifier = await this.reads.notifierAcknowledgement(input.alertId);
    if (byNotifier) return { acknowledgement: byNotifier, already: true };
    const claim: AcknowledgementClaim = {
      alertId: input.alertId, accountId: input.accountId, state: input.state, by: { email: input.by.email.toLowerCase(), name: input.by.name ?? null }, via: input.via, at: new Date(),
    };
    if (!(await this.claims.claimAcknowledgement(claim))) return { acknowledgement: (await this.claims.acknowledgement(input.alertId)) as AcknowledgementClaim, already: true };
    await this.publisher.acknowledge(input, claim.at);
    return { acknowledgement: claim, already: false };
  }
}
