import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Bus, startBus } from './support/bus';
import { type FakeHelpdesk, startFakeHelpdesk, type Vendor } from './support/fake-helpdesks';
import { REPO_ROOT, TEST_KAFKA_BROKERS } from './support/paths';
import { eventually } from './support/services';

/**
 * Write-back end to end (issue 17): what sales knows flows back to the helpdesks. Five helpdesk
 * sources — Zendesk, Jira, Freshdesk, ServiceNow, Intercom — report one open case each of an
 * account in a firestorm, through the real gateway (their documented webhooks) and Kafka;
 * write-back is turned on with `forewarn source set … --api-token-stdin` against a local fake of
 * each vendor's API, which checks the documented request and counts the notes. Then, through the
 * real stack: a briefing goes out before a meeting (the notifier killed with SIGKILL while notes
 * are in flight), sales acknowledges on the dashboard (a 429, a failing helpdesk and its circuit
 * breaker), and a refusal is shown on the account page. (The support heads-up is shown in the
 * middle test, test/integration/write-back.int-spec.ts.)
 */
const FIXTURES = join(REPO_ROOT, 'libs/ingest/src');
const fixture = (vendor: string, name: string): string => readFileSync(join(FIXTURES, vendor, 'fixtures', name), 'utf8');
const SECRET = 'test-secret-0123456789abcdef0123456789'; // the bus's FOREWARN_SECRET
const ACCOUNT = 'acme-crm-0042';
const OWNER = 'riley.chen@sales.example';
const HOUR = 3_600_000;

/** Each vendor's fake, the source that reports to it, the case Forewarn knows and the vendor's own id of it, the credentials, and the fixture that opens the case. */
const DESKS: Record<Vendor, { source: string; caseId: string; vendorId: string; user: string | null; token: string; fixture: string }> = {
  zendesk: { source: 'zendesk-prod', caseId: 'ZD-5158', vendorId: '5158', user: 'agent@acme.test', token: 'zd-api-token-5158', fixture: 'trigger-created.json' },
  jira: { source: 'jira-cloud', caseId: 'SUP-42', vendorId: 'SUP-42', user: 'forewarn@acme.test', token: 'atlassian-api-token-42', fixture: 'issue-created.json' },
  freshdesk: { source: 'freshdesk', caseId: 'FD-4711', vendorId: '4711', user: null, token: 'freshdesk-api-key-4711', fixture: 'ticket-created.json' },
  servicenow: { source: 'servicenow', caseId: 'CS0001042', vendorId: 'CS0001042', user: 'forewarn.integration', token: 'sn-password-1042', fixture: 'case-inserted.json' },
  intercom: { source: 'intercom', caseId: 'IC-C215468954312', vendorId: 'C215468954312', user: '814860', token: 'intercom-access-token', fixture: 'conversation-user-created.json' },
};
const VENDORS = Object.keys(DESKS) as Vendor[];

interface LedgerRow { source: string; case_id: string; reason: string; alert_id: string; status: string; attempts: number; found_on_case: boolean; last_error: string | null }

describe('write-back: notes on support cases, through the real stack', () => {
  let bus: Bus;
  const fakes = {} as Record<Vendor, FakeHelpdesk>;
  const keys: Record<string, string> = {};
  let ownerToken: string;
  let headsUpId: string;

  const cli = (args: string[], stdin?: string) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [join(REPO_ROOT, 'dist/apps/forewarn/src/main.js'), ...args], {
        cwd: REPO_ROOT,
        env: { ...process.env, NODE_ENV: 'test', KAFKA_BROKERS: TEST_KAFKA_BROKERS, FOREWARN_TOPIC_PREFIX: `test.${bus.tag}.`, DATABASE_URL: bus.database.url, FOREWARN_SECRET: SECRET, FOREWARN_OUTBOUND_ALLOW_HOSTS: '127.0.0.1' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(stdin ?? '');
    });
  const api = (path: string, method = 'GET') => fetch(`${bus.dashboardUrl}${path}`, { method, headers: { authorization: `Bearer ${ownerToken}` } });
  const ledger = (): Promise<LedgerRow[]> =>
    bus.database.db.query('SELECT source, case_id, reason, alert_id, status, attempts, found_on_case, last_error FROM notifier.write_backs ORDER BY id');
  const rowsFor = async (reason: string, alertId?: string) => (await ledger()).filter((r) => r.reason === reason && (alertId === undefined || r.alert_id === alertId));
  const notesOf = (vendor: Vendor, text: string) => fakes[vendor].notesOn(DESKS[vendor].vendorId, text);
  const alertsOf = async (): Promise<{ id: string; kind: string }[]> => (await api(`/api/alerts?account=${ACCOUNT}`)).json();
  const event = (type: string, data: Record<string, unknown>, id: string) => ({ specversion: '1.0', id, type: `forewarn.${type}`, time: new Date(Date.now() - 60_000).toISOString(), data });

  beforeAll(async () => {
    for (const vendor of VENDORS) {
      const d = DESKS[vendor];
      fakes[vendor] = await startFakeHelpdesk(vendor, { user: d.user, token: d.token, cases: [d.vendorId, '6001', '6002'] });
    }
    bus = await startBus('writeback', {
      // Briefings come from the sweep; notes are looked for often and calls time out soon.
      HEALTH_SWEEP_INTERVAL_MS: '2000', GATEWAY_SOURCE_CACHE_MS: '0',
      WRITE_BACK_POLL_MS: '200', WRITE_BACK_TIMEOUT_MS: '3000', WRITE_BACK_RETRY_FIRST_MS: '300', WRITE_BACK_BREAKER_FAILURES: '3', WRITE_BACK_BREAKER_COOLDOWN_MS: '2000',
    });
    ownerToken = await bus.addUser(OWNER, 'rep', 'enterprise');
    for (const vendor of VENDORS) keys[DESKS[vendor].source] = await bus.addSource(DESKS[vendor].source, vendor);
    keys['zendesk-trial'] = await bus.addSource('zendesk-trial', 'zendesk');
    keys['zendesk-off'] = await bus.addSource('zendesk-off', 'zendesk');
    keys.crm = await bus.addSource('crm');
    expect((await bus.postEvents(keys.crm, event('account.upserted', {
      id: ACCOUNT, name: 'Acme Corp', domains: ['acme.com', 'globex.io', 'umbrella-payments.com'], owner: { name: 'Riley Chen', email: OWNER }, team: 'enterprise',
    }, 'acct-acme'))).status).toBe(202);
    // Each helpdesk opens its case with its own documented webhook, authenticated with the source's api key.
    const deliver = async (source: string, kind: string, body: string) => {
      const response = await fetch(`${bus.gatewayUrl}/v1/webhooks/${kind}/${source}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${keys[source]}` }, body });
      expect([source, response.status]).toEqual([source, 202]);
    };
    for (const vendor of VENDORS) await deliver(DESKS[vendor].source, vendor, fixture(vendor, DESKS[vendor].fixture));
    // Two more Zendesk tickets of the account, in a source trying write-back out and in one that never turned it on.
    const ticket = (id: string) => fixture('zendesk', 'trigger-created.json').replace('"id": "5158"', `"id": "${id}"`).replace('tickets/5158', `tickets/${id}`);
    await deliver('zendesk-trial', 'zendesk', ticket('6001'));
    await deliver('zendesk-off', 'zendesk', ticket('6002'));
    await eventually('every case open on the account', async () => {
      const rows: { n: number }[] = await bus.database.db.query('SELECT count(*)::int AS n FROM health.open_cases_by_source WHERE account_id = $1', [ACCOUNT]);
      return rows[0].n === 7;
    }, { timeoutMs: 60_000 });
  }, 180_000);

  afterAll(async () => {
    await bus?.stop();
    for (const fake of Object.values(fakes)) await fake.close();
  });

  afterEach(() => {
    for (const vendor of VENDORS) expect([vendor, fakes[vendor].violations]).toEqual([vendor, []]);
  });

  it('turns write-back on with the API token from standard input, stores it sealed, and never shows or audits it', async () => {
    for (const vendor of VENDORS) {
      const d = DESKS[vendor];
      const args = ['source', 'set', d.source, '--write-back', 'on', '--api-url', `${fakes[vendor].url}/`, '--api-token-stdin',
        ...(d.user ? ['--api-user', d.user] : []), ...(vendor === 'servicenow' ? [] : ['--tag', 'forewarn-sales-aware']), ...(vendor === 'jira' ? ['--support-heads-up', 'off'] : [])];
      const result = await cli(args, `${d.token}\n`);
      expect([vendor, result.code, result.stderr]).toEqual([vendor, 0, '']);
      expect(result.stdout).not.toContain(d.token);
      expect(JSON.parse(result.stdout).writeBack).toMatchObject({ mode: 'on', apiUrl: fakes[vendor].url, apiUser: d.user, token: 'set' });
    }
    const trial = await cli(['source', 'set', 'zendesk-trial', '--write-back', 'dry-run', '--api-url', fakes.zendesk.url]);
    expect(trial.code).toBe(0);
    const refused = await cli(['source', 'set', 'zendesk-off', '--write-back', 'on', '--api-url', fakes.zendesk.url]);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('--write-back on needs --api-user: the e-mail address of the agent whose API token it is; --write-back on needs the API token: pipe it into --api-token-stdin; nothing was stored') });

    const listed = JSON.parse((await cli(['source', 'list'])).stdout) as { name: string; writeBack?: Record<string, unknown> }[];
    expect(listed.find((s) => s.name === 'zendesk-off')?.writeBack).toMatchObject({ mode: 'off', token: 'none' });
    expect(listed.find((s) => s.name === 'jira-cloud')?.writeBack).toMatchObject({ mode: 'on', supportHeadsUp: false, tag: 'forewarn-sales-aware', token: 'set' });
    const stored: { source: string; api_token_sealed: string | null }[] = await bus.database.db.query('SELECT source, api_token_sealed FROM gateway.write_back');
    const audited: { details: unknown }[] = await bus.database.db.query(`SELECT details FROM audit.entries WHERE action = 'source.write_back_changed'`);
    expect(audited).toHaveLength(6);
    for (const vendor of VENDORS) {
      expect(stored.find((s) => s.source === DESKS[vendor].source)?.api_token_sealed).toMatch(/^fw1\./);
      expect(JSON.stringify(stored)).not.toContain(DESKS[vendor].token);
      expect(JSON.stringify(audited)).not.toContain(DESKS[vendor].token);
    }
  });

  it('tells support of the briefing before the meeting, exactly once per case though the notifier is killed mid-call', async () => {
    // The next note each helpdesk gets is kept and never answered: the notifier cannot tell it was written.
    for (const vendor of VENDORS) fakes[vendor].failNext('hold');
    const startsAt = new Date(Date.now() + 20 * HOUR).toISOString();
    expect((await bus.postEvents(keys.crm, event('meeting.scheduled', {
      account: { id: ACCOUNT }, meeting: { id: 'renewal-1', title: 'Renewal proposal', startsAt, kind: 'renewal', organizer: { name: 'Riley Chen', email: OWNER } },
    }, 'meeting-1'))).status).toBe(202);

    await eventually('notes in flight at two helpdesks', async () => VENDORS.filter((v) => fakes[v].notes.length > 0).length >= 2, { timeoutMs: 60_000, intervalMs: 50 });
    const killed = bus.services.notifier.child;
    killed.kill('SIGKILL');
    await new Promise((resolve) => killed.once('exit', resolve));
    await bus.restart('notifier');

    // Once the lease of what the killed notifier had claimed runs out, each note is looked for on its case before it is written.
    await eventually('every briefing note written', async () => {
      const briefing = await rowsFor('briefing');
      return briefing.length === 6 && briefing.every((r) => r.status === 'written' || r.status === 'dry_run');
    }, { timeoutMs: 90_000 });
    for (const vendor of VENDORS) expect([vendor, notesOf(vendor, 'Sales is preparing a meeting with Acme Corp: Renewal proposal').length]).toEqual([vendor, 1]);
    expect(VENDORS.flatMap((v) => fakes[v].notes).length).toBe(5);
    expect((await rowsFor('briefing')).filter((r) => r.found_on_case).length).toBeGreaterThanOrEqual(2);
    // The dry run recorded what it would have written; the source that is off has nothing.
    expect((await ledger()).filter((r) => r.source === 'zendesk-trial').map((r) => [r.reason, r.status])).toEqual([['briefing', 'dry_run']]);
    expect((await ledger()).filter((r) => r.source === 'zendesk-off')).toEqual([]);
    expect(fakes.zendesk.notesOn('6001')).toEqual([]);
    expect(fakes.zendesk.notesOn('6002')).toEqual([]);
  });

  it('puts "sales is aware" on the case in every helpdesk when the rep acknowledges, waiting out a 429 and a helpdesk that keeps failing', async () => {
    fakes.freshdesk.failNext({ status: 429, headers: { 'retry-after': '2' }, body: { code: 'rate_limit', message: 'You have exceeded the limit of requests per hour' } });
    fakes.servicenow.failNext({ status: 503, body: { error: { message: 'Service Unavailable' }, status: 'failure' } }, 3);
    headsUpId = (await alertsOf()).find((a) => a.kind === 'heads-up')!.id;
    const ack = await api(`/api/alerts/${headsUpId}/ack`, 'POST');
    expect(ack.status).toBe(202);

    await eventually('a note on every case', async () => {
      const rows = await rowsFor('acknowledged', headsUpId);
      return rows.length === 6 && rows.every((r) => r.status === 'written' || r.status === 'dry_run');
    }, { timeoutMs: 60_000 });
    for (const vendor of VENDORS) {
      const notes = notesOf(vendor, 'Sales is aware of this case: riley.chen@sales.example acknowledged Forewarn\'s firestorm alert about Acme Corp');
      expect([vendor, notes.length, notes[0]?.internal]).toEqual([vendor, 1, true]);
      expect(notes[0].text).toContain('Next meeting with Acme Corp: Renewal proposal');
      expect(notes[0].text).toMatch(/Whom to contact in sales: Riley Chen (<|&lt;)riley\.chen@sales\.example(>|&gt;), the account owner\./);
    }
    expect(fakes.zendesk.tags.get('5158')).toEqual(['forewarn-sales-aware']);
    expect(fakes.jira.tags.get('SUP-42')).toEqual(['forewarn-sales-aware']);
    expect(fakes.freshdesk.tags.get('4711')).toEqual(['forewarn-sales-aware']);

    // Freshdesk said to come back in 2 s: the note was written on the second call, not before.
    const freshdeskNotes = fakes.freshdesk.requests.filter((r) => r.method === 'POST' && r.path === '/api/v2/tickets/4711/notes');
    const [limited, taken] = freshdeskNotes.slice(-2);
    expect(taken.at - limited.at).toBeGreaterThanOrEqual(2_000 - 50);
    // ServiceNow failed three times in a row: its circuit opened, the note waited out the cool-down without calls, and the trial wrote it.
    const patches = fakes.servicenow.requests.filter((r) => r.method === 'PATCH');
    const lastFour = patches.slice(-4);
    expect(lastFour[3].at - lastFour[2].at).toBeGreaterThanOrEqual(2_000 - 50);
    expect(bus.services.notifier.logs()).toContain('helpdesk endpoint failing: write-back leaves it alone for a while');
    const metrics = await (await fetch(`${bus.services.notifier.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`forewarn_write_back_circuit_open\\{endpoint="${fakes.servicenow.url.replace(/[./]/g, '\\$&')}",service="notifier"\\} 0`));
    expect(metrics).toMatch(/forewarn_write_backs_total\{vendor="servicenow",outcome="deferred",service="notifier"\} [1-9]/);
    expect(metrics).toMatch(/forewarn_write_backs_total\{vendor="freshdesk",outcome="rate_limited",service="notifier"\} 1/);
    expect(metrics).toMatch(/forewarn_write_backs_waiting\{status="pending",service="notifier"\} 0/);
    // The dry run recorded it, the source that is off has nothing.
    expect((await rowsFor('acknowledged', headsUpId)).find((r) => r.source === 'zendesk-trial')?.status).toBe('dry_run');
    expect(fakes.zendesk.notesOn('6001')).toEqual([]);
  });

  it('shows on the account page that support was told, and that one helpdesk refused', async () => {
    const briefingId = (await alertsOf()).find((a) => a.kind === 'briefing')!.id;
    fakes.intercom.failNext({ status: 401, body: { type: 'error.list', errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }] } });
    expect((await api(`/api/alerts/${briefingId}/ack`, 'POST')).status).toBe(202);
    await eventually('the refusal recorded', async () => (await rowsFor('acknowledged', briefingId)).find((r) => r.source === 'intercom' && r.status === 'failed'), { timeoutMs: 30_000 });
    await eventually('the others written', async () => (await rowsFor('acknowledged', briefingId)).filter((r) => r.status === 'written').length === 4, { timeoutMs: 30_000 });
    expect((await rowsFor('acknowledged', briefingId)).find((r) => r.source === 'intercom')).toMatchObject({ attempts: 1, last_error: '401 from Intercom (Access Token Invalid)' });
    expect(notesOf('intercom', 'Sales is aware')).toHaveLength(1);

    const detail = await (await api(`/api/accounts/${ACCOUNT}`)).json();
    expect(detail.supportNotes).toEqual(expect.arrayContaining([
      expect.objectContaining({ caseId: 'IC-C215468954312', source: 'intercom', reason: 'acknowledged', status: 'failed', error: '401 from Intercom (Access Token Invalid)' }),
      expect.objectContaining({ caseId: 'ZD-5158', source: 'zendesk-prod', reason: 'acknowledged', status: 'written', writtenAt: expect.any(String) }),
      expect.objectContaining({ caseId: 'ZD-6001', source: 'zendesk-trial', status: 'dry_run' }),
    ]));
    const page = await (await api(`/accounts/${ACCOUNT}`)).text();
    expect(page).toContain('<h2 id="support-told">Support told</h2>');
    expect(page).toContain('<strong>IC-C215468954312</strong> in Intercom (intercom), that sales is aware — <span class="status-failed">could not tell support</span>: 401 from Intercom (Access Token Invalid)');
    expect(page).toMatch(/<strong>ZD-5158<\/strong> in Zendesk \(zendesk-prod\), that sales is aware — <span class="status-sent">support told<\/span> <time/);
    expect(page).toContain('<span class="status-pending">dry run</span>: support would have been told');
    // No token in any service's output.
    for (const service of Object.values(bus.services)) for (const vendor of VENDORS) expect(service.logs()).not.toContain(DESKS[vendor].token);
  });
});
