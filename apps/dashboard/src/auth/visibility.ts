import type { User } from '@forewarn/database';

/** What visibility needs to know about an account: who owns it, who leads it, who is on it. */
export interface AccountAudience {
  ownerEmail: string;
  team: string | null;
  leadEmail: string | null;
  memberEmails: readonly string[];
}

const same = (a: string | null | undefined, b: string | null | undefined): boolean =>
  !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Who may see an account (CONTRACT.md, "Dashboard API"):
 * - an admin sees every account;
 * - a rep sees the accounts they own, are a member of, or whose team is their team;
 * - a lead sees their team's accounts and those they lead — and, like anyone, those they own or are on.
 */
export function canSee(user: User, account: AccountAudience): boolean {
  if (user.role === 'admin') return true;
  const onIt = same(account.ownerEmail, user.email) || account.memberEmails.some((m) => same(m, user.email)) || same(account.team, user.team);
  if (user.role === 'lead') return onIt || same(account.leadEmail, user.email);
  return onIt;
}

/**
 * The same rule as a SQL condition on account-health's read view `health.accounts_view` aliased
 * `alias`, for list queries. Parameters are appended to `params`. Keep this in step with `canSee`.
 * Every alternative has an index on the table under the view (migration OverviewIndexes1764520000000;
 * the view's `member_emails` is the indexed `health.member_emails(members)`), so a rep's lists read
 * their accounts, not all of them: keep the expressions exactly as indexed.
 */
export function visibilitySql(user: User, params: unknown[], alias = 'a'): string {
  if (user.role === 'admin') return 'TRUE';
  params.push(user.email.toLowerCase());
  const email = `$${params.length}`;
  const conditions = [
    `lower(${alias}.owner_email) = ${email}`,
    // The members' e-mails in lower case: what `lower(m->>'email')` over jsonb_array_elements(members) gave.
    `${alias}.member_emails @> ARRAY[${email}::text]`,
  ];
  if (user.team) {
    params.push(user.team.trim().toLowerCase());
    conditions.push(`lower(${alias}.team) = $${params.length}`);
  }
  if (user.role === 'lead') conditions.push(`lower(${alias}.lead_email) = ${email}`);
  return `(${conditions.join(' OR ')})`;
}

/**
 * The same rule as one condition per way of seeing an account, for reading a reader's riskiest
 * accounts in order. `onHealth`: on the keys account-health copies from each account into its
 * health row (`health.account_health_view` aliased `alias`), each the first column of an at-risk
 * index (migration OverviewRiskOrder1765190000000): the team's accounts and those a lead leads, the
 * many. `onAccount`: one condition on `health.accounts_view` aliased `accountAlias` for the few a
 * reader owns or is a member of. Parameters are appended to `params`. Keep this in step with
 * `canSee` and `visibilitySql`.
 */
export function visibilityKeySql(user: User, params: unknown[], alias = 'h', accountAlias = 'a'): { onHealth: string[]; onAccount: string } {
  params.push(user.email.toLowerCase());
  const email = `$${params.length}`;
  const onHealth: string[] = [];
  if (user.team) {
    params.push(user.team.trim().toLowerCase());
    onHealth.push(`${alias}.team_key = $${params.length}`);
  }
  if (user.role === 'lead') onHealth.push(`${alias}.lead_key = ${email}`);
  return { onHealth, onAccount: `(lower(${accountAlias}.owner_email) = ${email} OR ${accountAlias}.member_emails @> ARRAY[${email}::text])` };
}
