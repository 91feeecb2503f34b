import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type Bus, startBus } from './support/bus';
import { morningTimeZone } from './support/clock';
import { SCREENSHOT_DIR } from './support/paths';
import { eventually } from './support/services';

const SCREENSHOTS = SCREENSHOT_DIR;
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
/** The reader's zone: morning now, so a meeting 20 hours ahead is tomorrow at whatever hour the suite runs. */
const READER_TIME_ZONE = morningTimeZone();

/**
 * The dashboard in a real browser against the whole bus: a rep signs in, sees their accounts
 * riskiest first (and not another team's), filters, reads why an account burns, and signs out.
 */
describe('dashboard: a rep sees which of their accounts burn, and why', () => {
  let bus: Bus;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let adminToken: string;
  let repToken: string;
  let seq = 0;
  const T = Date.now().toString(36);
  const password = `pw-${T}-correct-horse`;
  const rep = { email: `riley.${T}@sales.example`, name: 'Riley Chen' };
  const adminEmail = `admin.${T}@sales.example`;
  const burning = { id: `northwind-${T}`, name: 'Northwind Traders' };
  const calm = { id: `initech-${T}`, name: 'Initech' };
  const foreign = { id: `contoso-${T}`, name: 'Contoso Foreign' };
  const checkout = { id: `ZD-${T}`, title: 'Checkout payments failing for EU cards', severity: 1, status: 'open' };
  const HOUR = 3600_000;

  const event = (type: string, data: Record<string, unknown>, hoursAgo: number) => ({
    specversion: '1.0', id: `dash-${T}-${seq++}`, type: `forewarn.${type}`, time: new Date(Date.now() - hoursAgo * HOUR).toISOString(), data,
  });
  const lead = { name: 'Morgan Lee', email: `morgan.${T}@sales.example` };
  const events = [
    event('account.upserted', { id: burning.id, name: burning.name, owner: rep, lead, team: 'enterprise', tier: 'strategic', arr: 1_200_000 }, 24 * 30),
    event('account.upserted', { id: calm.id, name: calm.name, owner: { name: 'Jo Park', email: `jo.${T}@sales.example` }, lead, team: 'enterprise' }, 24 * 30),
    event('account.upserted', { id: foreign.id, name: foreign.name, owner: { name: 'Sam Ortiz', email: `sam.${T}@sales.example` }, team: 'smb' }, 24 * 30),
    event('meeting.scheduled', { account: { id: burning.id }, meeting: { id: `cal-${T}`, title: 'Northwind renewal proposal', startsAt: new Date(Date.now() + 20 * HOUR).toISOString(), kind: 'renewal', organizer: rep } }, 48),
    event('case.opened', { account: { id: burning.id }, case: checkout, actor: { type: 'customer', name: 'Dana Whitfield' } }, 50),
    event('case.assigned', { account: { id: burning.id }, case: checkout, assignee: { id: 'a-31', name: 'Lena Vogel' } }, 40),
    event('case.escalated', { account: { id: burning.id }, case: { ...checkout, escalationLevel: 2 }, reason: 'Revenue impact' }, 30),
    event('case.resolution_rejected', { account: { id: burning.id }, case: checkout, actor: { type: 'customer', name: 'Dana Whitfield' }, reason: 'The fallback processor doubles our fees' }, 20),
    event('case.opened', { account: { id: calm.id }, case: { id: `ZD-Q-${T}`, title: 'How do I export invoices?', severity: 4, status: 'open' } }, 5),
    event('case.opened', { account: { id: foreign.id }, case: { id: `ZD-F-${T}`, title: 'Foreign outage', severity: 1, status: 'open' } }, 10),
    event('case.escalated', { account: { id: foreign.id }, case: { id: `ZD-F-${T}`, escalationLevel: 3 } }, 9),
  ];

  const api = async (path: string, token: string) => fetch(`${bus.dashboardUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const shot = async (target: Page, name: string) => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await target.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  };
  const signIn = async (target: Page, path = '/', email = rep.email) => {
    await target.goto(`${bus.dashboardUrl}${path}`);
    await target.waitForURL(/\/login\?next=/);
    await target.getByLabel('E-mail').fill(email);
    await target.getByLabel('Password').fill(password);
    await target.getByRole('button', { name: 'Sign in' }).click();
  };
  const rowIds = () => page.locator('#accounts tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));

  beforeAll(async () => {
    bus = await startBus('dashboard');
    const apiKey = await bus.addSource('helpdesk');
    adminToken = (await bus.upsertUser({ email: adminEmail, name: 'Ada Admin', role: 'admin', team: null }, password)).token;
    repToken = (await bus.upsertUser({ email: rep.email, name: rep.name, role: 'rep', team: 'enterprise' }, password)).token;
    expect((await bus.postEvents(apiKey, events)).status).toBe(202);

    // Wait until account-health has scored all three and the notifier has told the owner.
    await eventually('the three accounts to be scored', async () => {
      const list = await (await api('/api/accounts', adminToken)).json();
      const states = Object.fromEntries(list.map((a: { id: string; state: string }) => [a.id, a.state]));
      return states[burning.id] === 'firestorm' && states[calm.id] === 'healthy' && states[foreign.id] && states[foreign.id] !== 'healthy';
    }, { timeoutMs: 60_000 });
    await eventually('the heads-up to be delivered', async () => {
      const alerts = await (await api(`/api/alerts?account=${burning.id}`, adminToken)).json();
      return alerts.some((a: { deliveries: { recipient: string; status: string }[] }) => a.deliveries.some((d) => d.recipient === rep.email && d.status === 'sent'));
    }, { timeoutMs: 60_000 });

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
    context = await browser.newContext({ viewport: DESKTOP, timezoneId: READER_TIME_ZONE, locale: 'en-GB' });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await bus?.stop();
  });

  it('sends a visitor who is not signed in to the login form, and signs the rep in through it', async () => {
    await signIn(page);
    await page.waitForURL(`${bus.dashboardUrl}/`);
    await expect(page.locator('header').textContent()).resolves.toContain('Riley Chen');
    await expect(page.getByRole('button', { name: 'Sign out' }).isVisible()).resolves.toBe(true);
  });

  it("lists the rep's accounts riskiest first with state words, and not another team's account", async () => {
    expect(await rowIds()).toEqual([burning.id, calm.id]);
    const first = page.locator('#accounts tbody tr').first();
    await expect(first.textContent()).resolves.toMatch(/Northwind Traders[\s\S]*firestorm[\s\S]*1 escalation[\s\S]*tomorrow \d\d:\d\d \(in (19|20) h\)/);
    await expect(first.locator('svg.spark').count()).resolves.toBe(1);
    await expect(page.locator('#accounts tbody tr').nth(1).textContent()).resolves.toContain('healthy');
    const body = await page.locator('main').textContent();
    expect(body).not.toContain(foreign.name);
    expect(body).not.toContain('at_risk');
    await shot(page, 'overview-desktop');
  });

  it('pages through the accounts: the API gives the total and the next page, the page links to it', async () => {
    const first = await api('/api/accounts?limit=1', repToken);
    expect(first.headers.get('x-total-count')).toBe('2');
    expect(first.headers.get('link')).toBe('</api/accounts?limit=1&offset=1>; rel="next"');
    expect((await first.json()).map((a: { id: string }) => a.id)).toEqual([burning.id]);
    const second = await api('/api/accounts?limit=1&offset=1', repToken);
    expect(second.headers.get('link')).toBe('</api/accounts?limit=1>; rel="prev"');
    expect((await second.json()).map((a: { id: string }) => a.id)).toEqual([calm.id]);
    expect((await api('/api/accounts?limit=1001', repToken)).status).toBe(400);

    await page.goto(`${bus.dashboardUrl}/?limit=1`);
    expect(await rowIds()).toEqual([burning.id]);
    await expect(page.locator('main p.muted').first().textContent()).resolves.toContain('2 accounts you can see, riskiest first; showing 1–1.');
    await page.getByRole('link', { name: 'Next page' }).click();
    await page.waitForURL(/\/\?limit=1&offset=1$/);
    expect(await rowIds()).toEqual([calm.id]);
    await expect(page.getByRole('link', { name: 'Previous page' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('link', { name: 'Next page' }).count()).resolves.toBe(0);
    await page.goto(`${bus.dashboardUrl}/`);
  });

  it('filters by state and keeps the filter in the URL', async () => {
    await page.getByRole('checkbox', { name: 'firestorm' }).check();
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/\?state=firestorm$/);
    expect(await rowIds()).toEqual([burning.id]);
    await page.reload();
    expect(await rowIds()).toEqual([burning.id]);
    await expect(page.getByRole('checkbox', { name: 'firestorm' }).isChecked()).resolves.toBe(true);
    await expect(page.getByRole('checkbox', { name: 'healthy' }).isChecked()).resolves.toBe(false);
  });

  it('shows on the account page how bad it is, why, what is open and who was told', async () => {
    await page.getByRole('link', { name: burning.name }).click();
    await page.waitForURL(`${bus.dashboardUrl}/accounts/${burning.id}`);
    const text = (section: string) => page.locator('section', { has: page.getByRole('heading', { name: section, exact: true }) }).textContent();
    await expect(page.locator('h1').textContent()).resolves.toBe(burning.name);
    await expect(page.locator('.badge').textContent()).resolves.toMatch(/firestorm\s*\d+\/100/);
    await expect(page.locator('.situation').textContent()).resolves.toBe('Firestorm before tomorrow’s renewal');
    await expect(page.locator('.next-step').textContent()).resolves.toContain('Call Lena Vogel');
    await expect(text('Why')).resolves.toContain('The fallback processor doubles our fees');
    await expect(text('What is open')).resolves.toMatch(/Checkout payments failing for EU cards[\s\S]*critical[\s\S]*2 days[\s\S]*Lena Vogel/);
    await expect(text('What happened')).resolves.toContain('Customer rejected the resolution: The fallback processor doubles our fees');
    await expect(text('What is coming')).resolves.toContain('Northwind renewal proposal');
    await expect(text('Who was told')).resolves.toMatch(/Heads-up[\s\S]*firestorm[\s\S]*Riley Chen \(owner\) — sent/);
    await expect(page.locator('figure.history svg').count()).resolves.toBe(1);
    const main = await page.locator('main').textContent();
    expect(main).not.toMatch(/at_risk|\{"|undefined|null|NaN/);
    await shot(page, 'account-desktop');
  });

  it('acknowledges the alert from the account page, and the team sees who is on it', async () => {
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.waitForURL(/done=acknowledged/);
    await expect(page.locator('.notice').textContent()).resolves.toContain('Acknowledged');
    await eventually('the acknowledgement on the page', async () => {
      await page.reload();
      return (await page.locator('.feedback').count()) > 0 && (await page.locator('.feedback').textContent())?.includes('Acknowledged by Riley Chen');
    }, { timeoutMs: 30_000 });
  });

  it("answers 404 when the rep asks for another team's account, by cookie or by token, on the API and the page", async () => {
    const byCookie = await page.request.get(`${bus.dashboardUrl}/api/accounts/${foreign.id}`);
    expect(byCookie.status()).toBe(404);
    expect(byCookie.headers()['content-type']).toContain('application/problem+json');
    expect((await api(`/api/accounts/${foreign.id}`, repToken)).status).toBe(404);
    expect((await api(`/api/accounts/no-such-${T}`, repToken)).status).toBe(404);
    expect((await api(`/api/accounts/${foreign.id}`, adminToken)).status).toBe(200);
    const list = await (await api('/api/accounts', repToken)).json();
    expect(list.map((a: { id: string }) => a.id)).toEqual([burning.id, calm.id]);
    expect((await api('/api/accounts?state=burning', repToken)).status).toBe(400);
    expect((await api('/api/unmapped', repToken)).status).toBe(403);
    const pageResponse = await page.goto(`${bus.dashboardUrl}/accounts/${foreign.id}`);
    expect(pageResponse?.status()).toBe(404);
    await expect(page.locator('h1').textContent()).resolves.toBe('Not found');
  });

  it('reads well on a phone', async () => {
    const phone = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true, timezoneId: READER_TIME_ZONE, locale: 'en-GB' });
    const phonePage = await phone.newPage();
    await signIn(phonePage, `/accounts/${burning.id}`);
    await phonePage.waitForURL(`${bus.dashboardUrl}/accounts/${burning.id}`);
    const overflow = () => phonePage.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await shot(phonePage, 'account-phone');
    await phonePage.goto(`${bus.dashboardUrl}/`);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await shot(phonePage, 'overview-phone');
    await phone.close();
  });

  it('shows an admin the mails the development sink caught, linked from the header, and a rep nothing of them', async () => {
    await page.goto(`${bus.dashboardUrl}/`);
    await expect(page.locator('header').getByRole('link', { name: 'Dev mail' }).count()).resolves.toBe(0);
    expect((await page.goto(`${bus.dashboardUrl}/dev/mail`))?.status()).toBe(404);

    const adminContext = await browser.newContext({ viewport: DESKTOP, timezoneId: READER_TIME_ZONE, locale: 'en-GB' });
    const adminPage = await adminContext.newPage();
    await signIn(adminPage, '/', adminEmail);
    await adminPage.waitForURL(`${bus.dashboardUrl}/`);
    await adminPage.locator('header').getByRole('link', { name: 'Dev mail' }).click();
    await adminPage.waitForURL(`${bus.dashboardUrl}/dev/mail`);
    await adminPage.getByRole('link', { name: /Northwind Traders/ }).first().click();
    await adminPage.waitForURL(/\/dev\/mail\/[^/]+$/);
    await expect(adminPage.locator('iframe.mail').getAttribute('sandbox')).resolves.not.toContain('allow-scripts');
    await expect(adminPage.frameLocator('iframe.mail').locator('body').textContent()).resolves.toContain('Northwind Traders');
    await expect(adminPage.locator('pre.mail-text').textContent()).resolves.toContain(`/accounts/${burning.id}`);
    await adminContext.close();
  });

  it('signs out, after which neither the pages nor the API know the rep', async () => {
    await page.goto(`${bus.dashboardUrl}/`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login\?signedout=1$/);
    await expect(page.getByRole('status').textContent()).resolves.toContain('You are signed out');
    expect((await page.request.get(`${bus.dashboardUrl}/api/me`)).status()).toBe(401);
    await page.goto(`${bus.dashboardUrl}/accounts/${burning.id}`);
    await page.waitForURL(/\/login\?next=%2Faccounts%2F/);
  });
});
