import { Injectable } from '@nestjs/common';
import type { AlertRaised } from '@forewarn/contracts';
import { In } from 'typeorm';
import { TxHost } from '../unit-of-work';
import { AccountStatusEntity } from './account-status.entity';

/** The latest alert about each account (`notifier.account_status`), so a digest knows who is on it without asking other services. */
@Injectable()
export class AccountStatusRepository {
  constructor(private readonly txHost: TxHost) {}

  private get statuses() {
    return this.txHost.tx.getRepository(AccountStatusEntity);
  }

  /** Keeps this alert as the account's latest, unless a newer one is already kept (alerts may arrive out of order). */
  async record(alert: AlertRaised): Promise<void> {
    const { account, state } = alert.data;
    await this.statuses
      .createQueryBuilder('kept')
      .insert()
      .values({ accountId: account.id, leadEmail: account.lead?.email.toLowerCase() ?? null, team: account.team, state, alert, updatedAt: new Date(alert.time) })
      .orUpdate(['lead_email', 'team', 'state', 'alert', 'updated_at'], ['account_id'], {
        overwriteCondition: { where: 'kept.updated_at <= EXCLUDED.updated_at' },
      })
      .execute();
  }

  /** Every account an alert was raised about. */
  async accountIds(): Promise<string[]> {
    return (await this.statuses.find({ select: { accountId: true } })).map((r) => r.accountId);
  }

  /** The latest alert about each of these accounts. */
  async latestAlerts(accountIds: string[]): Promise<AlertRaised[]> {
    if (accountIds.length === 0) return [];
    return (await this.statuses.find({ select: { accountId: true, alert: true }, where: { accountId: In(accountIds) } })).map((r) => r.alert);
  }
}
