import { TxHost, type User } from '@forewarn/database';
import { type AccountFilters, AccountsReadModel } from '../../apps/dashboard/src/accounts/accounts.read-model';
import { type IntegrationApp, integrationApp } from '../support/integration';
import { plansOf } from '../support/query-plans';

const lead: User = { email: 'Lee.Lead@sales.example', name: 'Lee', role: 'lead', team: ' Mid-Market ' };
const rep: User = { email: 'rita@sales.example', name: 'Rita', role: 'rep', team: null };
const admin: User = { email: 'ada@sales.example', name: 'Ada', role: 'admin', team: null };
const RISK: AccountFilters = { states: [], team: null, owner: null, q: null, sort: 'risk' };

/** An account, and its health when it has one: [state, score, weights of its reasons]. */
interface Fixture {
  id: string;
  name: string;
  owner?: string;
  team?: string | null;
  lead?: string | null;
  members?: string[];
  health?: [string, number, number[]];
}

/**
 * Who sees what follows CONTRACT.md ("Dashboard API"); the lead sees the mid-market team's
 * accounts, those they lead, own or are a member of. The order is the overview's risk order:
 * loudest state, lowest score, most risk points, then by name.
 */
const FIXTURES: Fixture[] = [
  { id: 'mm-fire-a', name: 'Beta Corp', team: 'mid-market', health: ['firestorm', 0, [60, 60]] },
  { id: 'mm-fire-b', name: 'alpha corp', team: 'MID-MARKET', health: ['firestorm', 0, [60, 60]] },
  { id: 'mm-fire-c', name: 'Gamma', team: 'mid-market', health: ['firestorm', 0, [70, 70]] },
  { id: 'led-risk', name: 'Led Ltd', team: 'smb', lead: 'lee.lead@sales.example', health: ['at_risk', 40, [60]] },
  { id: 'owned-watch', name: 'Own Inc', owner: 'LEE.LEAD@sales.example', team: 'smb', health: ['watch', 70, [30]] },
  { id: 'member-watch', name: 'Member Co', team: 'smb', members: ['lee.lead@sales.example'], health: ['watch', 75, [25]] },
  { id: 'mm-healthy-low', name: 'Dip Co', team: 'mid-market', health: ['healthy', 95, [5]] },
  { id: 'mm-healthy', name: 'Calm Co', team: 'mid-market', health: ['healthy', 100, []] },
  { id: 'mm-no-health', name: 'New Co', team: 'mid-market' },
  { id: 'smb-fire', name: 'Elsewhere', team: 'smb', health: ['firestorm', 0, [200]] },
  { id: 'rep-owned', name: 'Rita Account', owner: 'rita@sales.example', team: 'smb', health: ['at_risk', 50, [50]] },
];
const LEAD_ORDER = ['mm-fire-c', 'mm-fire-b', 'mm-fire-a', 'led-risk', 'owned-watch', 'member-watch', 'mm-healthy-low', 'mm-healthy', 'mm-no-health'];

describe("the overview's risk order, read from the at-risk indexes account-health keeps", () => {
  let it_: IntegrationApp;
  let accounts: AccountsReadModel;
  const ids = async (user: User, limit: number, offset = 0, filters = RISK) => (await accounts.list(user, filters, { limit, offset })).slice(0, limit).map((a) => a.id);

  beforeAll(async () => {
    it_ = await integrationApp('overview-risk-order', { providers: [AccountsReadModel] });
    accounts = it_.app.get(AccountsReadModel);
    for (const f of FIXTURES) {
      await it_.db.query(`INSERT INTO health.accounts (id, name, owner_email, team, lead_email, members, source_time) VALUES ($1, $2, $3, $4, $5, $6, now())`, [
        f.id, f.name, f.owner ?? 'olga@sales.example', f.team ?? null, f.lead ?? null, JSON.stringify((f.members ?? []).map((email) => ({ email }))),
      ]);
      if (f.health) {
        const [state, score, weights] = f.health;
        await it_.db.query(`INSERT INTO health.account_health (account_id, score, state, reasons, open_cases, open_escalations, updated_at) VALUES ($1, $2, $3, $4, 1, 0, now())`, [
          f.id, score, state, JSON.stringify(weights.map((weight, i) => ({ code: `r${i}`, label: `reason ${i}`, weight }))),
        ]);
      }
    }
  });

  afterAll(async () => {
    await it_?.close();
  });

  it('keeps the risk points and who sees each account beside its health', async () => {
    const rows = await it_.db.query(`SELECT account_id, risk_points, sort_name, lead_key, team_key FROM health.account_health WHERE account_id IN ('mm-fire-b', 'led-risk')
                                     ORDER BY account_id`);
    expect(rows).toEqual([
      { account_id: 'led-risk', risk_points: 60, sort_name: 'led ltd', lead_key: 'lee.lead@sales.example', team_key: 'smb' },
      { account_id: 'mm-fire-b', risk_points: 120, sort_name: 'alpha corp', lead_key: null, team_key: 'mid-market' },
    ]);
  });

  it("gives a lead their riskiest accounts page by page, each account once, in the same order as the whole list", async () => {
    // Pages inside the at-risk accounts come from the indexes; the last reaches past them into the full query.
    expect(await ids(lead, 2)).toEqual(LEAD_ORDER.slice(0, 2));
    expect(await ids(lead, 3, 2)).toEqual(LEAD_ORDER.slice(2, 5));
    expect(await ids(lead, 100)).toEqual(LEAD_ORDER);
    expect(await ids(rep, 1)).toEqual(['rep-owned']);
    expect(await ids(admin, 3)).toEqual(['smb-fire', 'mm-fire-c', 'mm-fire-b']);
    // Past the 2,048 rows a prepared statement reads, the statement is planned each time.
    expect(await ids(lead, 1000, 1100)).toEqual([]);
    expect(await ids(admin, 2, 3000)).toEqual([]);
  });

  it("plans a reader's riskiest page once: PostgreSQL keeps a generic plan for the prepared statement", async () => {
    const txHost = it_.app.get(TxHost);
    const plans = await txHost.withTransaction(async () => {
      // One transaction: every run on the one connection where the statements are prepared.
      for (let run = 0; run < 8; run++) {
        expect(await ids(lead, 2)).toEqual(LEAD_ORDER.slice(0, 2));
        expect(await ids(admin, 2)).toEqual(['smb-fire', 'mm-fire-c']);
      }
      return (await txHost.tx.query(`SELECT generic_plans::int, custom_plans::int FROM pg_prepared_statements WHERE statement LIKE '%at_risk%' ORDER BY statement`)) as {
        generic_plans: number; custom_plans: number;
      }[];
    });
    // The two run here (the connection may hold others, of other pages, from the tests before).
    const runHere = plans.filter((plan) => plan.generic_plans + plan.custom_plans >= 8);
    expect(runHere).toHaveLength(2);
    for (const plan of runHere) expect(plan.generic_plans).toBeGreaterThanOrEqual(3);
  });

  it('filters the riskiest page by state for every reader', async () => {
    const watch = { ...RISK, states: ['watch' as const] };
    expect(await ids(lead, 1, 0, watch)).toEqual(['owned-watch']);
    expect(await ids(lead, 5, 0, watch)).toEqual(['owned-watch', 'member-watch']);
    expect(await ids(admin, 1, 0, { ...RISK, states: ['at_risk'] })).toEqual(['led-risk']);
  });

  it('follows an account the CRM renames or moves to another team, and one that arrives after its health', async () => {
    await it_.db.query(`UPDATE health.accounts SET name = 'Aardvark' WHERE id = 'mm-fire-a'`);
    expect(await ids(lead, 2)).toEqual(['mm-fire-c', 'mm-fire-a']);
    await it_.db.query(`UPDATE health.accounts SET team = 'smb' WHERE id = 'mm-fire-c'`);
    expect(await ids(lead, 2)).toEqual(['mm-fire-a', 'mm-fire-b']);

    await it_.db.query(`INSERT INTO health.account_health (account_id, score, state, reasons, open_cases, open_escalations, updated_at) VALUES ('late', 0, 'firestorm', '[{"weight": 500}]', 9, 3, now())`);
    expect(await ids(lead, 1)).toEqual(['mm-fire-a']);
    await it_.db.query(`INSERT INTO health.accounts (id, name, owner_email, team, source_time) VALUES ('late', 'Late Arrival', 'olga@sales.example', 'Mid-Market', now())`);
    expect(await ids(lead, 1)).toEqual(['late']);
  });

  it("keeps an account's keys when its health is written again, as the projector upserts it", async () => {
    await it_.db.query(`INSERT INTO health.account_health (account_id, score, state, reasons, open_cases, open_escalations, updated_at) VALUES ('led-risk', 10, 'firestorm', '[]', 3, 1, now())
                        ON CONFLICT (account_id) DO UPDATE SET score = EXCLUDED.score, state = EXCLUDED.state, reasons = EXCLUDED.reasons`);
    expect(await it_.db.query(`SELECT risk_points, lead_key, team_key FROM health.account_health WHERE account_id = 'led-risk'`)).toEqual([{ risk_points: 0, lead_key: 'lee.lead@sales.example', team_key: 'smb' }]);
  });

  it("reads a lead's riskiest page through the at-risk indexes of their team and of the accounts they lead, and the few they own or are on through the accounts' indexes", async () => {
    const plans = await plansOf(it_.db, async (host) => {
      const model = new AccountsReadModel(host);
      await model.list(lead, RISK, { limit: 1, offset: 0 });
      await model.list(admin, RISK, { limit: 1, offset: 0 });
    });
    // The lead's riskiest page (then, as nothing is read, the full query), then the admin's.
    for (const index of ['account_health_at_risk_by_team', 'account_health_at_risk_by_lead', 'accounts_owner_lower', 'accounts_member_emails']) expect(plans[0]).toContain(index);
    expect(plans[2]).toContain('account_health_at_risk');
  });

  it("gives each account of a page its score changes for the 14-day trend, the window's and the last one before, whichever statement reads the page", async () => {
    await it_.db.query(`INSERT INTO health.health_history (account_id, at, score, state) VALUES
      ('smb-fire', '2026-11-01T00:00:00Z', 90, 'healthy'), ('smb-fire', '2026-11-20T08:00:00Z', 60, 'at_risk'),
      ('smb-fire', '2026-11-25T09:30:00.123Z', 20, 'firestorm'), ('smb-fire', '2026-12-01T00:00:00Z', 0, 'firestorm'),
      ('mm-healthy', '2026-11-10T00:00:00Z', 80, 'watch'), ('mm-healthy', '2026-11-10T00:00:00Z', 100, 'healthy')`);
    const changes = async (user: User, filters: AccountFilters, page: { limit: number; offset: number }, since: string) => {
      const rows = await accounts.list(user, filters, page, new Date(since));
      return Object.fromEntries(rows.map((r) => [r.id, [...r.scoreChanges].sort((a, b) => Number(a.at) - Number(b.at)).map((p) => [new Date(p.at).toISOString(), p.score])]));
    };
    // An admin's riskiest page: the prepared statement over the at-risk index.
    const riskiest = await changes(admin, RISK, { limit: 3, offset: 0 }, '2026-11-24T00:00:00Z');
    expect(riskiest['smb-fire']).toEqual([['2026-11-20T08:00:00.000Z', 60], ['2026-11-25T09:30:00.123Z', 20], ['2026-12-01T00:00:00.000Z', 0]]);
    // The full query (by name): the last change before the window (of two at the same time, the later written), none for an account without history.
    const byName = await changes(lead, { ...RISK, sort: 'name' }, { limit: 100, offset: 0 }, '2026-11-24T00:00:00Z');
    expect(byName['mm-healthy']).toEqual([['2026-11-10T00:00:00.000Z', 100]]);
    expect(byName['mm-no-health']).toEqual([]);
    // A later window start: the window's own changes only after it, the one before it carried in.
    expect((await changes(admin, RISK, { limit: 3, offset: 0 }, '2026-11-30T00:00:00Z'))['smb-fire']).toEqual([['2026-11-25T09:30:00.123Z', 20], ['2026-12-01T00:00:00.000Z', 0]]);
  });
});
