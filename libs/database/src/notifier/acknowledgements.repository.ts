import { Injectable } from '@nestjs/common';
import type { AlertAcknowledged, HealthState } from '@forewarn/contracts';
import { TxHost } from '../unit-of-work';
import { AcknowledgementEntity } from './acknowledgement.entity';

/** Who said they are on an account, and at which state (`notifier.acknowledgements`): the latest per account. */
@Injectable()
export class AcknowledgementsRepository {
  constructor(private readonly txHost: TxHost) {}

  private get acknowledgements() {
    return this.txHost.tx.getRepository(AcknowledgementEntity);
  }

  async record(ack: AlertAcknowledged): Promise<void> {
    const d = ack.data;
    await this.acknowledgements.upsert(
      { accountId: d.accountId, alertId: d.alertId, state: d.state, byEmail: d.by.email.toLowerCase(), byName: d.by.name ?? null, via: d.via, at: new Date(ack.time) },
      ['accountId'],
    );
  }

  async of(accountId: string): Promise<{ state: HealthState; at: Date } | null> {
    const row = await this.acknowledgements.findOneBy({ accountId });
    return row ? { state: row.state, at: row.at } : null;
  }

  /** The account recovered: an acknowledgement ends by itself. */
  async clear(accountId: string): Promise<void> {
    await this.acknowledgements.delete({ accountId });
  }
}
