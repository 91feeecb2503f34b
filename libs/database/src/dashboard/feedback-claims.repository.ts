import type { HealthState } from '@forewarn/contracts';
import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { TxHost } from '../unit-of-work';
import { AcknowledgementClaimEntity } from './acknowledgement-claim.entity';
import { LinkUseEntity } from './link-use.entity';

/** The first acknowledgement of an alert, as the dashboard published it. */
export interface AcknowledgementClaim {
  alertId: string;
  accountId: string;
  state: HealthState;
  by: { email: string; name: string | null };
  via: string;
  at: Date;
}

/** A press on a link from a mail; `until` for a snooze. */
export interface LinkUse {
  tokenHash: string;
  action: 'ack' | 'snooze';
  alertId: string;
  accountId: string;
  email: string;
  until: Date | null;
  usedAt: Date;
}

const toClaim = (row: AcknowledgementClaimEntity): AcknowledgementClaim => ({
  alertId: row.alertId, accountId: row.accountId, state: row.state, by: { email: row.byEmail, name: row.byName }, via: row.via, at: new Date(row.at),
});

/**
 * What the dashboard published on someone's behalf, claimed so that it is published once
 * (`dashboard.acknowledgements`, `dashboard.link_uses`). A claim is a row inserted in the unit of
 * work that publishes: a second claim of the same thing waits on the first's row and then finds it
 * taken; a failed publish rolls the claim back.
 */
@Injectable()
export class FeedbackClaimsRepository {
  constructor(private readonly txHost: TxHost) {}

  private get acknowledgements() {
    return this.txHost.tx.getRepository(AcknowledgementClaimEntity);
  }

  private get linkUses() {
    return this.txHost.tx.getRepository(LinkUseEntity);
  }

  async acknowledgement(alertId: string): Promise<AcknowledgementClaim | null> {
    const row = await this.acknowledgements.findOneBy({ alertId });
    return row ? toClaim(row) : null;
  }

  /** The acknowledgements of these alerts, by alert id. */
  async acknowledgementsOf(alertIds: string[]): Promise<Map<string, AcknowledgementClaim>> {
    if (alertIds.length === 0) return new Map();
    const rows = await this.acknowledgements.findBy({ alertId: In(alertIds) });
    return new Map(rows.map((row) => [row.alertId, toClaim(row)]));
  }

  /** Claims the alert's first acknowledgement; false when it was claimed before. */
  async claimAcknowledgement(claim: AcknowledgementClaim): Promise<boolean> {
    const { raw } = await this.acknowledgements
      .createQueryBuilder()
      .insert()
      .values({ alertId: claim.alertId, accountId: claim.accountId, state: claim.state, byEmail: claim.by.email, byName: claim.by.name, via: claim.via, at: claim.at })
      .orIgnore()
      .returning('alert_id')
      .updateEntity(false)
      .execute();
    return (raw as unknown[]).length > 0;
  }

  /** Claims a link's one use; false when it was used before. */
  async claimLink(use: LinkUse): Promise<boolean> {
    const { raw } = await this.linkUses.createQueryBuilder().insert().values(use).orIgnore().returning('token_hash').updateEntity(false).execute();
    return (raw as unknown[]).length > 0;
  }

  /** When the link was used, and until when the snooze it set ran. */
  async linkUse(tokenHash: string): Promise<Pick<LinkUse, 'usedAt' | 'until'> | null> {
    const row = await this.linkUses.findOneBy({ tokenHash });
    return row ? { usedAt: new Date(row.usedAt), until: row.until ? new Date(row.until) : null } : null;
  }
}
