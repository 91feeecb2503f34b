import type { User } from '@forewarn/database';
import { type AccountFilters, AccountsReadModel } from '../../apps/dashboard/src/accounts/accounts.read-model';
import { AccountAccess } from '../../apps/dashboard/src/auth/account-access';
import { type IntegrationApp, integrationApp } from '../support/integration';
import { plansOf } from '../support/query-plans';

const rep: User = { email: 'Rita.Rep@sales.example', name: 'Rita', role: 'rep', team: 'Enterprise' };
const lead: User = { email: 'lee.lead@sales.example', name: 'Lee', role: 'lead', team: 'mid-market' };
const admin: User = { email: 'ada@sales.example', name: 'Ada', role: 'admin', team: null };

/** Who is on each account; what each reader may see follows from CONTRACT.md, "Dashboard API". */
const ACCOUNTS = [
  { id: 'owned', owner: 'rita.rep@sales.example', team: 'smb', lead: null, members: [] },
  { id: 'member', owner: 'olga@sales.example', team: 'smb', lead: null, members: [{ name: 'Rita', email: 'RITA.REP@sales.example' }] },
  { id: 'team', owner: 'olga@sales.example', team: 'enterprise', lead: null, members: [] },
  { id: 'led', owner: 'olga@sales.example', team: 'smb', lead: 'Lee.Lead@sales.example', members: [] },
  { id: 'lead-team', owner: 'olga@sales.example', team: 'Mid-Market', lead: null, members: [] },
  { id: 'nobodys', owner: 'olga@sales.example', team: 'smb', lead: null, members: 'not a list' },
];
const VISIBLE = {
  rep: ['member', 'owned', 'team'],
  lead: ['lead-team', 'led'],
  admin: ['lead-team', 'led', 'member', 'nobodys', 'owned', 'team'],
};
const ALL: AccountFilters = { states: [], team: null, owner: null, q: null, sort: 'name' };
const PAGE = { limit: 100, offset: 0 };

describe("the accounts read model: who sees which account, over account-health's read views", () => {
  let it_: IntegrationApp;
  let accounts: AccountsReadModel;

  beforeAll(async () => {
    it_ = await integrationApp('accounts-visibility', { providers: [AccountsReadModel, AccountAccess] });
    accounts = it_.app.get(AccountsReadModel);
    for (const a of ACCOUNTS) {
      await it_.db.query(
        `INSERT INTO health.accounts (id, name, owner_email, team, lead_email, members, source_time) VALUES ($1, $2, $3, $4, $5, $6, now())`,
        [a.id, `Account ${a.id}`, a.owner, a.team, a.lead, JSON.stringify(a.members)],
      );
    }
    await it_.db.query(`INSERT INTO health.account_health (account_id, score, state, reasons, open_cases, open_escalations, updated_at)
                        VALUES ('led', 40, 'at_risk', '[]', 2, 1, now()), ('nobodys', 10, 'firestorm', '[]', 5, 2, now())`);
  });

  afterAll(async () => {
    await it_?.close();
  });

  for (const [name, user] of [['rep', rep], ['lead', lead], ['admin', admin]] as const) {
    it(`shows the ${name} exactly the accounts the contract lets them see, in lists, counts and filter options`, async () => {
      const listed = (await accounts.list(user, ALL, PAGE)).map((a) => a.id);
      expect(listed.sort()).toEqual(VISIBLE[name]);
      const counts = await accounts.countByState(user, ALL);
      expect(Object.values(counts).reduce((sum, n) => sum + n, 0)).toBe(VISIBLE[name].length);
      const { owners } = await accounts.filterOptions(user);
      const expectedOwners = [...new Set(ACCOUNTS.filter((a) => VISIBLE[name].includes(a.id)).map((a) => a.owner.toLowerCase()))].sort();
      expect(owners.map((o) => o.email).sort()).toEqual(expectedOwners);
    });

    it(`decides one account for the ${name} as the lists do, and knows no account that does not exist`, async () => {
      const access = it_.app.get(AccountAccess);
      for (const { id } of ACCOUNTS) expect({ id, visible: await access.visible(user, id) }).toEqual({ id, visible: VISIBLE[name].includes(id) });
      expect(await access.visible(user, 'no-such-account')).toBe(false);
    });
  }

  it('puts the loudest accounts first for everyone who sees them', async () => {
    const risk = { ...ALL, sort: 'risk' as const };
    expect((await accounts.list(admin, risk, PAGE)).slice(0, 2).map((a) => [a.id, a.state])).toEqual([['nobodys', 'firestorm'], ['led', 'at_risk']]);
    expect((await accounts.list(lead, risk, PAGE)).map((a) => [a.id, a.state, a.score])).toEqual([['led', 'at_risk', 40], ['lead-team', 'healthy', 100]]);
  });

  /** The overview's plans: only reaching the indexes when the view's columns meet the indexes' expressions. */
  const overviewPlans = async (work: (model: AccountsReadModel) => Promise<unknown>): Promise<string> =>
    (await plansOf(it_.db, (host) => work(new AccountsReadModel(host)))).join('\n');

  it("still reads a rep's and a lead's overview through the visibility indexes, and an admin's riskiest page through the risk index", async () => {
    const repPlans = await overviewPlans((model) => Promise.all([model.list(rep, ALL, PAGE), model.countByState(rep, ALL)]));
    for (const index of ['accounts_owner_lower', 'accounts_member_emails', 'accounts_team_lower']) expect(repPlans).toContain(index);
    expect(await overviewPlans((model) => model.list(lead, ALL, PAGE))).toContain('accounts_lead_lower');
    expect(await overviewPlans((model) => model.list(admin, { ...ALL, sort: 'risk' }, PAGE))).toContain('account_health_at_risk');
  });
});
