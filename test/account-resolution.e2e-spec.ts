import { type Bus, startBus } from './support/bus';
import { eventually } from './support/services';

/** Every accepted event reaches the right account, or waits visibly until it can. */
describe('account resolution: by id, external id or domain, and unmapped until the account arrives', () => {
  let bus: Bus;
  let apiKey: string;
  let adminToken: string;
  let seq = 0;
  const T = Date.now().toString(36);
  const event = (type: string, data: Record<string, unknown>) => ({
    specversion: '1.0', id: `ar-${T}-${seq++}`, type: `forewarn.${type}`, time: new Date(Date.now() - 60_000 + seq * 100).toISOString(), data,
  });
  const caseOf = async (caseId: string) =>
    (await bus.database.db.query('SELECT account_id FROM health.cases WHERE id = $1', [caseId]))[0]?.account_id ?? null;

  beforeAll(async () => {
    bus = await startBus('resolution', {}, ['account-health', 'gateway', 'dashboard']);
    apiKey = await bus.addSource('helpdesk');
    adminToken = await bus.addUser(`admin.${T}@sales.example`, 'admin');
    expect((await bus.postEvents(apiKey, event('account.upserted', {
      id: `acme-${T}`, name: 'Acme', domains: [`acme-${T}.example`], externalRefs: [{ source: 'helpdesk', id: `org-${T}` }], owner: { email: `o.${T}@sales.example` },
    }))).status).toBe(202);
    await eventually('the account', async () => (await bus.database.db.query('SELECT 1 FROM health.accounts WHERE id = $1', [`acme-${T}`])).length === 1);
  });

  afterAll(async () => {
    await bus?.stop();
  });

  it('finds the account by the helpdesk organization even when the requester writes from another domain', async () => {
    await bus.postEvents(apiKey, event('case.opened', { account: { domain: `gmail-${T}.example`, externalId: `org-${T}` }, case: { id: `EXT-${T}`, title: 'Login fails', severity: 3 } }));
    expect(await eventually('the case on Acme', async () => caseOf(`EXT-${T}`))).toBe(`acme-${T}`);
  });

  it('finds the account by email domain', async () => {
    await bus.postEvents(apiKey, event('case.opened', { account: { domain: `ACME-${T}.example` }, case: { id: `DOM-${T}`, title: 'Slow export', severity: 4 } }));
    expect(await eventually('the case on Acme', async () => caseOf(`DOM-${T}`))).toBe(`acme-${T}`);
  });

  it('keeps an event it cannot place, lists it as unmapped, and counts it as soon as the account arrives', async () => {
    await bus.postEvents(apiKey, event('case.opened', { account: { domain: `initech-${T}.example`, externalId: `org-i-${T}` }, case: { id: `UNM-${T}`, title: 'TPS reports', severity: 2 } }));
    const unmapped = await eventually('the unmapped event', async () => {
      const list = await (await fetch(`${bus.dashboardUrl}/api/unmapped`, { headers: { authorization: `Bearer ${adminToken}` } })).json();
      return Array.isArray(list) && list.length ? list : null;
    });
    expect(JSON.stringify(unmapped)).toContain(`initech-${T}.example`);
    expect(await caseOf(`UNM-${T}`)).toBeNull();

    // The CRM learns the account by the helpdesk organization only: the waiting case is claimed.
    await bus.postEvents(apiKey, event('account.upserted', { id: `initech-${T}`, name: 'Initech', externalRefs: [{ source: 'helpdesk', id: `org-i-${T}` }], owner: { email: `p.${T}@sales.example` } }));
    expect(await eventually('the case on Initech', async () => caseOf(`UNM-${T}`))).toBe(`initech-${T}`);
    const [health] = await bus.database.db.query('SELECT open_cases FROM health.account_health WHERE account_id = $1', [`initech-${T}`]);
    expect(health.open_cases).toBe(1);
  });

  it('does not let an out-of-date account upsert claim events by a domain the account no longer has', async () => {
    const upsert = (id: string, domain: string, time: string) => ({
      ...event('account.upserted', { id: `globex-${T}`, name: 'Globex', domains: [domain], owner: { email: `g.${T}@sales.example` } }), id, time,
    });
    await bus.postEvents(apiKey, upsert(`gx-new-${T}`, `globex-new-${T}.example`, new Date(Date.now() - 10_000).toISOString()));
    await eventually('Globex', async () => (await bus.database.db.query('SELECT 1 FROM health.accounts WHERE id = $1', [`globex-${T}`])).length === 1);
    await bus.postEvents(apiKey, event('case.opened', { account: { domain: `globex-old-${T}.example` }, case: { id: `OLD-${T}`, title: 'Invoice', severity: 3 } }));
    await eventually('the event stored unmapped', async () => (await bus.database.db.query('SELECT 1 FROM health.events WHERE subject_id = $1 AND account_id IS NULL', [`OLD-${T}`])).length === 1);

    // The CRM re-sends an older version of Globex, from when it had the old domain: nothing changes.
    await bus.postEvents(apiKey, upsert(`gx-old-${T}`, `globex-old-${T}.example`, new Date(Date.now() - 3_600_000).toISOString()));
    await eventually('the old upsert applied', async () => (await bus.database.db.query('SELECT 1 FROM health.events WHERE id = $1', [`gx-old-${T}`])).length === 1);
    const [account] = await bus.database.db.query('SELECT domains FROM health.accounts WHERE id = $1', [`globex-${T}`]);
    expect(account.domains).toEqual([`globex-new-${T}.example`]);
    const [stored] = await bus.database.db.query('SELECT account_id FROM health.events WHERE subject_id = $1', [`OLD-${T}`]);
    expect(stored.account_id).toBeNull();
    expect(await caseOf(`OLD-${T}`)).toBeNull();
  });
});
