import { Injectable } from '@nestjs/common';
import type { AccountSnoozed, HealthState } from '@forewarn/contracts';
import { TxHost } from '../unit-of-work';
import { SnoozeEntity } from './snooze.entity';

/** Who snoozed an account for themselves, until when (`notifier.snoozes`): the latest per account and person. */
@Injectable()
export class SnoozesRepository {
  constructor(private readonly txHost: TxHost) {}

  private get snoozes() {
    return this.txHost.tx.getRepository(SnoozeEntity);
  }

  async record(snooze: AccountSnoozed): Promise<void> {
    const d = snooze.data;
    await this.snoozes.upsert(
      { accountId: d.accountId, email: d.by.email.toLowerCase(), state: d.state, until: new Date(d.until), via: d.via, at: new Date(snooze.time) },
      ['accountId', 'email'],
    );
  }

  async of(accountId: string, email: string): Promise<{ state: HealthState; until: Date } | null> {
    const row = await this.snoozes.findOneBy({ accountId, email });
    return row ? { state: row.state, until: row.until } : null;
  }

  /** The account recovered: its snoozes end by themselves. */
  async clear(accountId: string): Promise<void> {
    await this.snoozes.delete({ accountId });
  }
}
