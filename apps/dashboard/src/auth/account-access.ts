import { Injectable } from '@nestjs/common';
import { TxHost, type User } from '@forewarn/database';
import { Problem } from '@forewarn/service-kit';
import { canSee } from './visibility';

/** The same answer whether the account does not exist or the user may not see it. */
export const accountNotFound = (id: string): Problem => new Problem(404, 'Not Found', `There is no account "${id}" that you can see.`);

/** Whether a user may see one account: who is on it (account-health's read view `health.accounts_view`), judged by `canSee`. */
@Injectable()
export class AccountAccess {
  constructor(private readonly txHost: TxHost) {}

  /** Whether the account exists and the user may see it. */
  async visible(user: User, accountId: string): Promise<boolean> {
    const [row]: { owner_email: string; team: string | null; lead_email: string | null; member_emails: string[] }[] = await this.txHost.tx.query(
      'SELECT owner_email, team, lead_email, member_emails FROM health.accounts_view WHERE id = $1',
      [accountId],
    );
    return !!row && canSee(user, { ownerEmail: row.owner_email, team: row.team, leadEmail: row.lead_email, memberEmails: row.member_emails });
  }
}
