import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { DEMO_PASSWORD, DEMO_USERS, demoEvents } from '../apps/forewarn/src/stack/demo-data';
import { type Bus, startBus } from './support/bus';
import { morningTimeZone } from './support/clock';
import { SCREENSHOT_DIR } from './support/paths';
import { eventually } from './support/services';

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const READER_TIME_ZONE = morningTimeZone();
const AXE = require.resolve('axe-core/axe.min.js');

const [LEAD, RILEY, , ADMIN] = DEMO_USERS;

interface AxeViolation { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }

/**
 * Every page of the dashboard in a real browser, with the demo data `npm start` loads: sign-in by a
 * link from the mail sink, an invitation, a change arriving live without a reload, the firestorms
 * ranked, an admin rotating a key, a lead mapping an unmapped group, a policy backtest; axe-core on
 * every page, and a screenshot of each (`npm run screenshots` writes them to docs/screenshots).
 */
describe('dashboard pages: live, complete, administrable', () => {
  let bus: Bus;
  let browser: Browser;
  let apiKey: string;
  const T = Date.now().toString(36);
  const contexts: BrowserContext[] = [];

  const shot = async (page: Page, name: string) => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  };
  /** axe-core's serious and critical findings on the page as it is now (WCAG 2 A and AA rules). */
  const accessibilityProblems = async (page: Page): Promise<string[]> => {
    await page.addScriptTag({ path: AXE });
    const violations: AxeViolation[] = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe;
      return (await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })).violations;
    });
    return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  };
  /** A browser of its own for one reader, signed in with a password (axe is injected as a script, so the page's CSP is bypassed). */
  const signedIn = async (email: string, viewport = DESKTOP): Promise<Page> => {
    const context = await browser.newContext({ viewport, timezoneId: READER_TIME_ZONE, locale: 'en-GB', bypassCSP: true });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${bus.dashboardUrl}/login`);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${bus.dashboardUrl}/`);
    return page;
  };
  const api = async (path: string, token: string) => (await fetch(`${bus.dashboardUrl}${path}`, { headers: { authorization: `Bearer ${token}` } })).json();
  const mailTo = (email: string, subject: RegExp) => bus.sink.messages().filter((m) => m.to.includes(email) && subject.test(m.subject));
  const linkIn = (text: string, path: string): string => {
    const url = new RegExp(`https?://\\S+${path}\\S+`).exec(text)?.[0];
    if (!url) throw new Error(`no ${path} link in the mail`);
    return `${bus.dashboardUrl}${new URL(url).pathname}`;
  };
  const send = (key: string, events: unknown[]) => fetch(`${bus.gatewayUrl}/v1/events`, {
    method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/cloudevents-batch+json' }, body: JSON.stringify(events),
  });
  let seq = 0;
  const event = (type: string, data: Record<string, unknown>) => ({ specversion: '1.0', id: `pages-${T}-${seq++}`, type: `forewarn.${type}`, time: new Date().toISOString(), data });
  let adminToken: string;

  beforeAll(async () => {
    bus = await startBus('dashboard-pages', { GATEWAY_SOURCE_CACHE_MS: '500' });
    apiKey = await bus.addSource('demo');
    for (const user of DEMO_USERS) {
      const saved = await bus.upsertUser(user, DEMO_PASSWORD);
      if (user.role === 'admin') adminToken = saved.token;
    }
    expect((await send(apiKey, demoEvents(new Date(), T))).status).toBe(202);
    await eventually('the demo accounts to be scored and the heads-ups sent', async () => {
      const accounts: { id: string; state: string }[] = await api('/api/accounts', adminToken);
      const states = Object.fromEntries(accounts.map((a) => [a.id, a.state]));
      const alerts: { deliveries: { status: string }[] }[] = await api('/api/alerts?account=northwind', adminToken);
      return states.northwind === 'firestorm' && states.acme === 'firestorm' && states.initech === 'healthy' && alerts.some((a) => a.deliveries.some((d) => d.status === 'sent'));
    }, { timeoutMs: 90_000 });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await bus?.stop();
  });

  it('signs a rep in with a one-use link mailed to them, through the development mail sink', async () => {
    const context = await browser.newContext({ viewport: DESKTOP, timezoneId: READER_TIME_ZONE, locale: 'en-GB', bypassCSP: true });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${bus.dashboardUrl}/login`);
    await page.getByRole('link', { name: 'E-mail me a sign-in link instead' }).click();
    await page.getByLabel('E-mail').fill(RILEY.email);
    await expect(accessibilityProblems(page)).resolves.toEqual([]);
    await shot(page, 'sign-in-link-desktop');
    await page.getByRole('button', { name: 'E-mail me a sign-in link' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('If that address belongs to a Forewarn user, a sign-in link is on its way');

    // Nobody learns whether an address exists: an unknown one gets the same answer, and no mail.
    const unknown = await fetch(`${bus.dashboardUrl}/login/link`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=nobody%40sales.example', redirect: 'manual' });
    expect(unknown.status).toBe(200);
    expect(await unknown.text()).toContain('If that address belongs to a Forewarn user');

    const mail = await eventually('the sign-in mail', async () => mailTo(RILEY.email, /sign-in link/)[0]);
    const link = linkIn(mail.text, '/login/link/');
    await page.goto(link);
    await expect(page.locator('main').textContent()).resolves.toContain(`As ${RILEY.email}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${bus.dashboardUrl}/`);
    await expect(page.locator('header').textContent()).resolves.toContain('Riley Chen');
    expect(bus.sink.messages().some((m) => m.to.includes('nobody@sales.example'))).toBe(false);

    // Single use: opened again it no longer works.
    const again = await page.goto(link);
    expect(again?.status()).toBe(410);
    await expect(page.locator('h1').textContent()).resolves.toBe('This link no longer works');
  });

  it('lets an admin invite a colleague, whose invitation sets up the account', async () => {
    const admin = await signedIn(ADMIN.email);
    await admin.goto(`${bus.dashboardUrl}/admin/users`);
    const invitee = `nina.${T}@sales.example`;
    const form = admin.locator('form[action="/admin/users"]');
    await form.getByLabel('E-mail').fill(invitee);
    await form.getByLabel('Name').fill('Nina Novak');
    await form.getByLabel('Role').selectOption('rep');
    await form.getByLabel('Team').fill('enterprise');
    await admin.getByRole('button', { name: 'Send invitation' }).click();
    await expect(admin.getByRole('status').textContent()).resolves.toContain(`Invitation sent to ${invitee}`);
    await expect(admin.locator('main').textContent()).resolves.toContain('invited, not signed in yet');
    await expect(accessibilityProblems(admin)).resolves.toEqual([]);
    await shot(admin, 'admin-users-desktop');

    const mail = await eventually('the invitation', async () => mailTo(invitee, /invited you to Forewarn/)[0]);
    const context = await browser.newContext({ viewport: DESKTOP, timezoneId: READER_TIME_ZONE, locale: 'en-GB', bypassCSP: true });
    contexts.push(context);
    const nina = await context.newPage();
    await nina.goto(linkIn(mail.text, '/invite/'));
    await nina.getByLabel('New password', { exact: true }).fill('a long enough password');
    await nina.getByLabel('New password again').fill('a long enough password');
    await expect(accessibilityProblems(nina)).resolves.toEqual([]);
    await nina.getByRole('button', { name: 'Set my password and sign in' }).click();
    await nina.waitForURL(`${bus.dashboardUrl}/`);
    await expect(nina.locator('header').textContent()).resolves.toContain('Nina Novak');
  });

  it('ranks the firestorms by score and then by how far past zero each is, and shows it on the overview', async () => {
    const accounts: { id: string; state: string; score: number; riskPoints: number }[] = await api('/api/accounts', adminToken);
    const fires = accounts.filter((a) => a.state === 'firestorm');
    expect(fires.map((a) => a.id).sort()).toEqual(['acme', 'northwind']);
    expect([...fires].sort((a, b) => a.score - b.score || b.riskPoints - a.riskPoints)).toEqual(fires);
    // The demo's Northwind lost far more than 100 points: its score stops at 0, its risk does not.
    const northwind = fires.find((a) => a.id === 'northwind')!;
    expect(northwind.score).toBe(0);
    expect(northwind.riskPoints).toBeGreaterThan(100);
    const lead = await signedIn(LEAD.email);
    const rows = lead.locator('#accounts tbody tr');
    await expect(rows.nth(0).getAttribute('data-id')).resolves.toBe(fires[0].id);
    await expect(lead.locator('tr[data-id="northwind"]').textContent()).resolves.toContain(`${northwind.riskPoints - 100} points past zero`);
    await expect(lead.locator('#accounts tbody svg.spark').count()).resolves.toBeGreaterThan(1);
  });

  it('brings a health change to the open overview within 2 seconds of the change, without a reload', async () => {
    const page = await signedIn(LEAD.email);
    await page.waitForSelector('main[data-live-state="connected"]');
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    expect(await page.locator('tr[data-id="initech"]').getAttribute('data-state')).toBe('healthy');

    const outage = { id: `ZD-LIVE-${T}`, title: 'Invoices export returns 500', severity: 1, status: 'open' };
    expect((await send(apiKey, [
      event('case.opened', { account: { id: 'initech' }, case: outage, actor: { type: 'customer', name: 'Peter Gibbons' } }),
      event('case.escalated', { account: { id: 'initech' }, case: { ...outage, escalationLevel: 2 }, reason: 'Month-end close blocked' }),
    ])).status).toBe(202);
    // When the dashboard's API first shows the new state, and when the open page does.
    const [apiAt, pageAt] = await Promise.all([
      eventually('the change in the API', async () => {
        const accounts: { id: string; state: string }[] = await api('/api/accounts', adminToken);
        return accounts.find((a) => a.id === 'initech' && a.state !== 'healthy') ? Date.now() : null;
      }, { timeoutMs: 60_000, intervalMs: 50 }),
      page.waitForSelector('tr[data-id="initech"]:not([data-state="healthy"])', { timeout: 60_000 }).then(() => Date.now()),
    ]);
    expect(pageAt - apiAt).toBeLessThan(2_000);
    await expect(page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).resolves.toBe(true);
    await expect(page.locator('tr[data-id="initech"]').getAttribute('class')).resolves.toContain('changed');
    await expect(page.locator('#live-status').textContent()).resolves.toMatch(/Initech is now (watch|at risk|firestorm)/);
  });

  it('refuses a sixth live stream of one user with 429, and never streams another team\'s accounts', async () => {
    const token = (await bus.upsertUser({ email: `sam.${T}@sales.example`, name: 'Sam Other', role: 'rep', team: 'smb' })).token;
    const streams = await Promise.all(Array.from({ length: 6 }, () => fetch(`${bus.dashboardUrl}/api/live`, { headers: { authorization: `Bearer ${token}` } })));
    expect(streams.map((s) => s.status).sort()).toEqual([200, 200, 200, 200, 200, 429]);
    const reader = streams.find((s) => s.status === 200)!.body!.getReader();
    expect((await send(apiKey, [event('case.commented', { account: { id: 'acme' }, case: { id: 'JSM-982' }, actor: { type: 'customer', name: 'Chris Moreau' }, comment: { public: true, excerpt: 'Still broken, very unhappy' } })])).status).toBe(202);
    let received = '';
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      const chunk = await Promise.race([reader.read(), new Promise<null>((resolve) => setTimeout(() => resolve(null), 500))]);
      if (chunk && 'value' in chunk && chunk.value) received += new TextDecoder().decode(chunk.value);
    }
    expect(received).not.toContain('"accountId":"acme"');
    for (const s of streams) await s.body?.cancel().catch(() => undefined);
  });

  it('lets an admin rotate a source key: the old key works through its grace period, then stops', async () => {
    const admin = await signedIn(ADMIN.email);
    await admin.goto(`${bus.dashboardUrl}/admin/sources`);
    await expect(admin.locator('main').textContent()).resolves.toMatch(/demo[\s\S]*cases, meetings, accounts/);
    await expect(accessibilityProblems(admin)).resolves.toEqual([]);
    await shot(admin, 'admin-sources-desktop');
    const row = admin.locator('tr', { hasText: 'demo' });
    await row.getByLabel('Old key works for').fill('4s');
    await row.getByRole('button', { name: 'Rotate key' }).click();
    const newKey = await admin.getByLabel('Api key of demo').inputValue();
    expect(newKey).toMatch(/^fw_src_/);
    await expect(admin.locator('main').textContent()).resolves.toContain('shown only this once');
    await expect(accessibilityProblems(admin)).resolves.toEqual([]);

    const quiet = () => [event('case.updated', { account: { id: 'umbrella' }, case: { id: 'SN-0042', status: 'closed' } })];
    expect((await send(apiKey, quiet())).status).toBe(202);
    expect((await send(newKey, quiet())).status).toBe(202);
    await eventually('the old key to stop working', async () => (await send(apiKey, quiet())).status === 401, { timeoutMs: 15_000, intervalMs: 500 });
    expect((await send(newKey, quiet())).status).toBe(202);
    apiKey = newKey;
    const audit: { action: string; actor: string; target: string }[] = await api('/api/audit?action=source.key_rotated', adminToken);
    expect(audit[0]).toMatchObject({ actor: ADMIN.email, target: 'demo' });
  });

  it('lets a lead map an unmapped group to an account, whose events then count for it', async () => {
    const lead = await signedIn(LEAD.email);
    await lead.goto(`${bus.dashboardUrl}/unmapped`);
    await expect(lead.locator('main').textContent()).resolves.toMatch(/Hooli[\s\S]*API rate limits too low[\s\S]*Mapping adds the domain hooli.example/);
    await expect(accessibilityProblems(lead)).resolves.toEqual([]);
    await shot(lead, 'unmapped-desktop');
    await lead.getByLabel('Map Hooli to account').fill('initech');
    await lead.getByRole('button', { name: 'Map to account' }).click();
    await lead.waitForURL(/\/unmapped\?mapped=Initech/);
    await expect(lead.getByRole('status').first().textContent()).resolves.toContain('Mapped to Initech');
    await eventually('the group to be claimed', async () => {
      await lead.reload();
      return !(await lead.locator('main').textContent())?.includes('hooli.example');
    }, { timeoutMs: 30_000, intervalMs: 1_000 });
    await lead.goto(`${bus.dashboardUrl}/accounts/initech`);
    await expect(lead.locator('#section-open').textContent()).resolves.toContain('API rate limits too low');
  });

  it('shows an admin the policy in words and backtests a candidate before it is deployed', async () => {
    const admin = await signedIn(ADMIN.email);
    await admin.goto(`${bus.dashboardUrl}/admin/policy`);
    await expect(admin.locator('main').textContent()).resolves.toMatch(/Healthy from 80 points up[\s\S]*Hard rules[\s\S]*firestorm: a critical escalation whose resolution the customer rejected/);
    const current = JSON.parse(await admin.getByLabel('Candidate policy (JSON)').inputValue());
    const lenient = { ...current, version: 'lenient-test', thresholds: { watch: 30, at_risk: 20, firestorm: 10 }, hardRules: [] };
    await admin.getByLabel('Candidate policy (JSON)').fill(JSON.stringify(lenient, null, 2));
    await admin.getByRole('button', { name: 'Run backtest' }).click();
    const result = admin.locator('#backtest-result');
    await expect(result.textContent()).resolves.toMatch(/alerts? would have changed/);
    await expect(result.textContent()).resolves.toMatch(/Only now, not with the candidate \([1-9]/);
    await expect(admin.getByRole('button', { name: 'Download lenient-test.json' }).count()).resolves.toBe(1);
    await expect(accessibilityProblems(admin)).resolves.toEqual([]);
    await shot(admin, 'admin-policy-desktop');
  });

  it('passes axe on every page, and each is captured with the demo data', async () => {
    const pages: [string, string, string][] = [
      [RILEY.email, '/', 'overview-ranked'],
      [RILEY.email, '/accounts/northwind', 'account-history'],
      [RILEY.email, '/accounts/northwind?days=90', 'account-90-days'],
      [RILEY.email, '/week', 'week-rep'],
      [LEAD.email, '/week', 'week-lead'],
      [RILEY.email, '/meetings', 'meetings'],
      [LEAD.email, '/alerts', 'alerts'],
      [LEAD.email, '/alerts?acknowledged=no&state=firestorm', 'alerts-unacknowledged'],
      [RILEY.email, '/preferences', 'preferences'],
      [RILEY.email, '/password', 'password'],
      [ADMIN.email, '/admin/audit', 'admin-audit'],
      [ADMIN.email, '/admin/sources/demo/log', 'admin-delivery-log'],
      [ADMIN.email, '/dev/mail', 'dev-mail'],
    ];
    const signedInAs = new Map<string, Page>();
    const problems: string[] = [];
    for (const [email, path, name] of pages) {
      if (!signedInAs.has(email)) signedInAs.set(email, await signedIn(email));
      const page = signedInAs.get(email)!;
      const response = await page.goto(`${bus.dashboardUrl}${path}`);
      expect(response?.status()).toBe(200);
      problems.push(...(await accessibilityProblems(page)).map((p) => `${path}: ${p}`));
      const text = await page.locator('main').textContent();
      expect(text).not.toMatch(/undefined|NaN|\[object Object\]|at_risk/);
      await shot(page, `${name}-desktop`);
    }
    const login = await (await browser.newContext({ viewport: DESKTOP, bypassCSP: true })).newPage();
    await login.goto(`${bus.dashboardUrl}/login`);
    problems.push(...(await accessibilityProblems(login)).map((p) => `/login: ${p}`));
    await shot(login, 'login-desktop');
    await login.context().close();
    expect(problems).toEqual([]);
  });

  it('reads well on a phone: one column, nothing wider than the screen', async () => {
    for (const [email, path, name] of [[RILEY.email, '/week', 'week'], [LEAD.email, '/alerts', 'alerts'], [ADMIN.email, '/admin/sources', 'admin-sources']]) {
      const page = await signedIn(email, PHONE);
      await page.goto(`${bus.dashboardUrl}${path}`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
      await shot(page, `${name}-phone`);
    }
  });

  it('answers 404 for the admin pages to anyone but an admin', async () => {
    const rep = await signedIn(RILEY.email);
    for (const path of ['/admin/sources', '/admin/users', '/admin/policy', '/admin/audit']) {
      expect((await rep.goto(`${bus.dashboardUrl}${path}`))?.status()).toBe(404);
    }
    await expect(rep.locator('header').getByRole('link', { name: 'Admin' }).count()).resolves.toBe(0);
  });
});
