import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Bus, startBus } from './support/bus';
import { runCli } from './support/cli';
import { eventually } from './support/services';

/**
 * Accounts and identity: `forewarn accounts import <file.csv>` validates each row (line numbers
 * and columns for the bad ones, which are skipped), publishes account.upserted events straight to
 * Kafka, and account-health stores the accounts; events then resolve to them by domain and by a
 * source's external id.
 */
describe('accounts import from CSV', () => {
  let bus: Bus;
  const T = Date.now().toString(36);
  const dir = mkdtempSync(join(tmpdir(), 'forewarn-accounts-e2e-'));
  const id = (name: string) => `${name}-${T}`;
  const HEADER = 'id,name,domains,owner_email,owner_name,team,lead_email,lead_name,tier,arr,renewal_date,timezone,external_refs';
  const rows = {
    acme: `${id('acme')},Acme Corp,acme-${T}.com;acme-${T}.io,riley@sales.example,Riley Chen,enterprise,morgan@sales.example,Morgan Lead,strategic,"1,200,000",2026-03-31,Europe/Berlin,zendesk-eu:360001-${T};jira-cloud:10050`,
    globex: `${id('globex')},"Globex, Inc.",globex-${T}.io,sam@sales.example,Sam Ortiz,midmarket,,,growth,250000,,America/New_York,`,
    initech: `${id('initech')},Initech,initech-${T}.com,not-an-email,,,,,,,,,`,
    umbrella: `${id('umbrella')},Umbrella Payments,umbrella-${T}.com,sam@sales.example,,,,,,lots,2026-02-30,,`,
    wayne: `${id('wayne')},Wayne Enterprises,wayne-${T}.com,riley@sales.example,,,,,,,,,`,
  };

  const cli = (args: string[]) => runCli(args, bus.env);
  const account = async (accountId: string) =>
    (await bus.database.db.query('SELECT id, name, domains, external_refs, owner_email, owner_name, team, lead_email, tier, arr, renewal_date, timezone FROM health.accounts WHERE id = $1', [accountId]))[0] as Record<string, any> | undefined;
  const importEvents = async (): Promise<number> => Number((await bus.database.db.query(`SELECT count(*) AS n FROM health.events WHERE source = '/sources/accounts-import'`))[0].n);

  beforeAll(async () => {
    bus = await startBus('accountsimport', {}, ['account-health', 'gateway']);
  });

  afterAll(async () => {
    await bus?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports the valid rows with a progress bar, reports the bad ones by line and column, and exits 1', async () => {
    const file = join(dir, 'accounts.csv');
    writeFileSync(file, [HEADER, rows.acme, rows.globex, '', rows.initech, rows.umbrella, rows.wayne, ''].join('\n'));
    const result = await cli(['accounts', 'import', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Importing accounts [');
    expect(result.stderr).toContain(`${file}:5: owner_email must be an email address`);
    expect(result.stderr).toContain(`${file}:6: arr "lots" is not a number (e.g. 120000)`);
    expect(result.stderr).toContain(`${file}:6: renewal_date "2026-02-30" must be a date as YYYY-MM-DD`);
    expect(result.stderr).toContain('forewarn: 2 of 5 rows failed and were skipped; 3 accounts were published');
    expect(JSON.parse(result.stdout)).toMatchObject({
      topic: bus.topics.events, rows: 5, valid: 3, published: 3, failed: 2,
      errors: [
        { line: 5, field: 'owner_email', message: 'must be an email address' },
        { line: 6, field: 'arr', message: '"lots" is not a number (e.g. 120000)' },
        { line: 6, field: 'renewal_date', message: '"2026-02-30" must be a date as YYYY-MM-DD' },
      ],
    });

    const acme = await eventually('the imported Acme account', () => account(id('acme')));
    expect(acme).toMatchObject({
      name: 'Acme Corp', domains: [`acme-${T}.com`, `acme-${T}.io`], owner_email: 'riley@sales.example', owner_name: 'Riley Chen', team: 'enterprise',
      lead_email: 'morgan@sales.example', tier: 'strategic', renewal_date: '2026-03-31', timezone: 'Europe/Berlin',
      external_refs: [{ source: 'zendesk-eu', id: `360001-${T}` }, { source: 'jira-cloud', id: '10050' }],
    });
    expect(Number(acme.arr)).toBe(1_200_000);
    expect(await eventually('Globex', () => account(id('globex')))).toMatchObject({ name: 'Globex, Inc.', arr: '250000' });
    expect(await eventually('Wayne', () => account(id('wayne')))).toMatchObject({ name: 'Wayne Enterprises' });
    expect(await account(id('initech'))).toBeUndefined();
    expect(await account(id('umbrella'))).toBeUndefined();
  });

  it('re-importing is idempotent: only the fixed rows are new', async () => {
    await eventually('the first import to be stored', async () => (await importEvents()) === 3);
    const file = join(dir, 'accounts-fixed.csv');
    writeFileSync(file, [HEADER, rows.acme, rows.globex, rows.initech.replace('not-an-email', 'pat@sales.example'), rows.umbrella.replace('lots', '90000').replace('2026-02-30', '2026-02-28'), rows.wayne].join('\n'));
    const result = await cli(['accounts', 'import', file]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ rows: 5, valid: 5, published: 5, failed: 0, errors: [] });
    expect(await eventually('Initech', () => account(id('initech')))).toMatchObject({ owner_email: 'pat@sales.example' });
    expect(await eventually('Umbrella', () => account(id('umbrella')))).toMatchObject({ renewal_date: '2026-02-28' });
    // The three unchanged rows have the same event ids as before: stored once.
    await eventually('all import events', async () => (await bus.lag('account-health', bus.topics.events)) === 0);
    expect(await importEvents()).toBe(5);
  });

  it('resolves events to the imported accounts by email domain and by a source\'s external id', async () => {
    const helpdesk = await bus.addSource('zendesk-eu');
    const caseEvent = (caseId: string, ref: Record<string, string>) => ({
      specversion: '1.0', id: `case-${caseId}`, type: 'forewarn.case.opened', data: { account: ref, case: { id: caseId, title: 'Export fails', severity: 2 } },
    });
    expect((await bus.postEvents(helpdesk, [caseEvent(`C1-${T}`, { externalId: `360001-${T}` }), caseEvent(`C2-${T}`, { domain: `globex-${T}.io` })])).status).toBe(202);
    const owner = async (caseId: string) => (await bus.database.db.query('SELECT account_id FROM health.cases WHERE id = $1', [caseId]))[0]?.account_id;
    expect(await eventually('case 1', () => owner(`C1-${T}`))).toBe(id('acme'));
    expect(await eventually('case 2', () => owner(`C2-${T}`))).toBe(id('globex'));
  });

  it('refuses a file whose header is wrong, and validates without publishing on --dry-run', async () => {
    const bad = join(dir, 'bad-header.csv');
    writeFileSync(bad, 'account,name,owner\nx,y,z\n');
    const refused = await cli(['accounts', 'import', bad]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('unknown columns "account", "owner"');
    expect(refused.stderr).toContain('lacks the required columns id, owner_email');

    const onTopic = await bus.messageCount(bus.topics.events);
    const file = join(dir, 'dry.csv');
    writeFileSync(file, [HEADER, `${id('dry')},Dry Run Ltd,dry-${T}.com,riley@sales.example,,,,,,,,,`].join('\n'));
    const dry = await cli(['accounts', 'import', file, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ rows: 1, valid: 1, published: 0, dryRun: true, topic: null });
    expect(await bus.messageCount(bus.topics.events)).toBe(onTopic);
    expect(await cli(['accounts', 'import', join(dir, 'missing.csv')])).toMatchObject({ code: 1, stderr: expect.stringContaining('ENOENT') });
  });
});
