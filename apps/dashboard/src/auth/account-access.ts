import { Injectable } from '@nestjs/common';
import { TxHost, type User } from '@forewarn/database';
import { Problem } from '@forewarn/service-kit';
import { type AccountAudience, canSee, visibilitySql } from './visibility';

/** The same answer whether the account does not exist or the user may not see it. */
export const accountNotFound = (id: string): Problem => new Problem(404, 'Not Found', `There is no account "${id}" that you can see.`);

/** Whether a user may see one account: who is on it (account-health's read view `health.accounts_view`), judged by `canSee`. */
@Injectable()
export class AccountAccess {
  constructor(private readonly txHost: TxHost) {}

  /** Whether the account exists and the user may see it. */
  async visible(user: User, accountId: string): Promise<boolean> {
    const audience = await this.audience(accountId);
    return !!audience && canSee(user, audience);
  }

  /** Who is on the account (what `canSee` judges by); null when there is no such account. */
  async audience(accountId: string): Promise<(AccountAudience & { name: string }) | null> {
    const [row]: { name: string; owner_email: string; team: string | null; lead_email: string | null; member_emails: string[] }[] = await this.txHost.tx.query(
      'SELECT name, owner_email, team, lead_email, member_emails FROM health.accounts_view WHERE id = $1',
      [accountId],
    );
    return row ? { name: row.name, ownerEmail: row.owner_email, team: row.team, leadEmail: row.lead_email, memberEmails: row.member_emails } : null;
  }

  /** The accounts a user may see, by name (at most `limit`): the suggestions of forms that name an account. */
  async visibleAccounts(user: User, limit = 500): Promise<{ id: string; name: string }[]> {
    const params: unknown[] = [];
    const where = visibilitySql(user, params);
    params.push(limit);
    return this.txHost.tx.query(`SELECT a.id, a.name FROM health.accounts_view a WHERE ${where} ORDER BY lower(a.name), a.id LIMIT $${params.length}`, params);
  }
}
