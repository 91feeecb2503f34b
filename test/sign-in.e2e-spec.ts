import { randomBytes, scryptSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type Bus, startBus } from './support/bus';
import { runCli } from './support/cli';
import { SCREENSHOT_DIR } from './support/paths';
import { eventually, type RunningService, sleep, startService } from './support/services';

/**
 * Trust at the dashboard's door, through the real stack (dashboard and account-health as
 * processes, PostgreSQL, the command line): guessing is slowed down and cannot tell which e-mails
 * exist, old password hashes are upgraded, sessions end when idle, revoked, removed or after a
 * password change, every admin action is in the audit log, and the development mail and HSTS are
 * where they belong. The backoff is shortened (1 s, at most 2 s) so the test need not wait minutes.
 */
describe('sign-in: guessing is slowed down, sessions end when they should, admin actions are on record', () => {
  let bus: Bus;
  let browser: Browser | undefined;
  let other: RunningService | undefined;
  const T = Date.now().toString(36);
  const dir = mkdtempSync(join(tmpdir(), 'forewarn-sign-in-e2e-'));
  const policyFile = join(dir, 'health-policy.json');
  const password = `pw-${T}-correct-horse`;
  const admin = { email: `ada.${T}@sales.example`, token: '' };
  const rep = { email: `riley.${T}@sales.example`, token: '' };
  const FREE_FAILURES = 10;

  type Answer = { status: number; cookie: string | null; retryAfter: string | null; contentType: string | null; body: Record<string, any> | null; ms: number };
  const signIn = async (email: string, pw: string, url = bus.dashboardUrl): Promise<Answer> => {
    const started = performance.now();
    const response = await fetch(`${url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: pw }) });
    const body = (await response.json().catch(() => null)) as Record<string, any> | null;
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('fw_session='))?.split(';')[0] ?? null;
    return { status: response.status, cookie, retryAfter: response.headers.get('retry-after'), contentType: response.headers.get('content-type'), body, ms: performance.now() - started };
  };
  const me = async (credential: string, url = bus.dashboardUrl) =>
    (await fetch(`${url}/api/me`, { headers: credential.startsWith('fw_session=') ? { cookie: credential } : { authorization: `Bearer ${credential}` } })).status;
  const api = (path: string, token: string) => fetch(`${bus.dashboardUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const addUser = async (email: string, role: 'rep' | 'lead' | 'admin', pw = password) =>
    (await bus.upsertUser({ email, role, team: 'enterprise', name: null }, pw)).token;
  const cli = (args: string[], input = '') => runCli(args, bus.env, input);
  const newPage = async () => {
    browser ??= await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
    return (await browser.newContext()).newPage();
  };
  const shot = async (page: Page, name: string) => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  };
  /** How long after `since` a credential stopped working, polling every 250 ms. */
  const endedWithin = async (credential: string, since: number) => {
    await eventually('the credential to stop working', async () => (await me(credential)) === 401, { timeoutMs: 25_000, intervalMs: 250 });
    return Date.now() - since;
  };

  beforeAll(async () => {
    writeFileSync(policyFile, JSON.stringify({ version: `v1-${T}` }));
    bus = await startBus('signin', {
      DASHBOARD_LOGIN_FREE_FAILURES: String(FREE_FAILURES),
      DASHBOARD_LOGIN_BACKOFF_SECONDS: '2',
      DASHBOARD_LOGIN_BACKOFF_MAX_SECONDS: '3',
      HEALTH_POLICY_FILE: policyFile,
      HEALTH_POLICY_WATCH_MS: '600000',
    }, ['account-health', 'dashboard']);
    admin.token = await addUser(admin.email, 'admin');
    rep.token = await addUser(rep.email, 'rep');
  });

  afterAll(async () => {
    await browser?.close();
    await other?.stop();
    await bus?.stop();
  });

  it('refuses forty wrong passwords in a row with 429 and Retry-After, then lets the right password in after the wait', async () => {
    const answers: Answer[] = [];
    for (let i = 0; i < 40; i += 1) answers.push(await signIn(rep.email, `wrong-${i}-${T}`));
    expect(answers.slice(0, FREE_FAILURES).map((a) => a.status)).toEqual(Array(FREE_FAILURES).fill(401));
    expect(answers.every((a) => a.status === 401 || a.status === 429)).toBe(true);
    expect(answers.filter((a) => a.status === 429).length).toBeGreaterThanOrEqual(25);
    const last = answers[39];
    expect(last.status).toBe(429);
    expect(last.contentType).toContain('application/problem+json');
    expect(Number(last.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(last.retryAfter)).toBeLessThanOrEqual(3); // capped: DASHBOARD_LOGIN_BACKOFF_MAX_SECONDS
    expect(last.body?.detail).toMatch(/^Too many attempts\. Try again in [123] seconds?\.$/);
    // Even the right password waits its turn…
    expect((await signIn(rep.email, password)).status).toBe(429);
    await sleep(Number(last.retryAfter) * 1000 + 100);
    // …and works afterwards; the success resets the account's count.
    const ok = await signIn(rep.email, password);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ email: rep.email, role: 'rep' });
    expect(await me(ok.cookie as string)).toBe(200);
    expect((await signIn(rep.email, 'one more typo')).status).toBe(401);
    const metrics = await (await fetch(`${bus.dashboardUrl}/metrics`)).text();
    expect(Number(/forewarn_dashboard_sign_ins_total\{outcome="throttled"[^}]*\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(25);
  });

  it('tells a person on the login page when to try again', async () => {
    const email = `browse.${T}@sales.example`;
    await addUser(email, 'rep');
    const page = await newPage();
    const statuses: number[] = [];
    // Until the form is answered 429 (a slow browser may see a short wait run out once or twice).
    while (statuses.at(-1) !== 429 && statuses.length < FREE_FAILURES + 5) {
      await page.goto(`${bus.dashboardUrl}/login`);
      await page.getByLabel('E-mail').fill(email);
      await page.getByLabel('Password').fill(`not-it-${statuses.length}`);
      const answer = page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST');
      await page.getByRole('button', { name: 'Sign in' }).click();
      statuses.push((await answer).status());
    }
    expect(statuses.slice(0, FREE_FAILURES)).toEqual(Array(FREE_FAILURES).fill(303)); // back to the form: "do not match"
    expect(statuses.at(-1)).toBe(429);
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/^Too many attempts\. Try again in [123] seconds?\.$/);
    await expect(page.getByLabel('E-mail').inputValue()).resolves.toBe(email);
    await shot(page, 'login-too-many-attempts');
  });

  it('takes about as long to refuse an unknown e-mail as a known one, so timing does not tell who has an account', async () => {
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      known.push((await signIn(admin.email, `guess-${i}`)).ms);
      unknown.push((await signIn(`nobody-${i}.${T}@sales.example`, `guess-${i}`)).ms);
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[1];
    // Both pay for a full scrypt (about 0.3 s here); a shortcut for unknown e-mails would take a few milliseconds.
    expect(median(known)).toBeGreaterThan(100);
    expect(median(unknown)).toBeGreaterThan(median(known) / 3);
    expect(median(unknown)).toBeLessThan(median(known) * 3);
    expect((await signIn(admin.email, password)).status).toBe(200); // resets the admin's count
  });

  it('re-hashes a password stored in the old format, at today\'s cost, when its owner signs in', async () => {
    const email = `old-hash.${T}@sales.example`;
    await addUser(email, 'rep', 'temporary-password');
    const salt = randomBytes(16);
    const legacy = `scrypt$${salt.toString('base64url')}$${scryptSync('an old password', salt, 32).toString('base64url')}`;
    await bus.database.db.query('UPDATE dashboard.users SET password_hash = $2 WHERE email = $1', [email, legacy]);
    expect((await signIn(email, 'an old password')).status).toBe(200);
    const [{ password_hash: stored }] = await bus.database.db.query('SELECT password_hash FROM dashboard.users WHERE email = $1', [email]);
    expect(stored).toMatch(/^scrypt\$ln=17,r=8,p=1\$/);
    expect((await signIn(email, 'an old password')).status).toBe(200);
  });

  it('ends every session of a user on `forewarn user revoke-sessions`, within the 15 s lookup cache, and keeps their token', async () => {
    const email = `revoked.${T}@sales.example`;
    const token = await addUser(email, 'rep');
    const first = (await signIn(email, password)).cookie as string;
    const second = (await signIn(email, password)).cookie as string;
    expect([await me(first), await me(second)]).toEqual([200, 200]); // now in the dashboard's cache
    const started = Date.now();
    const result = await cli(['user', 'revoke-sessions', email]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ email, sessionsEnded: 2 });
    expect(result.stderr).toContain('within 15 seconds');
    expect(await endedWithin(first, started)).toBeLessThan(17_000);
    expect(await me(second)).toBe(401);
    expect(await me(token)).toBe(200);
    expect((await cli(['user', 'revoke-sessions', `nobody.${T}@sales.example`])).code).toBe(1);
  });

  it('ends the sessions and the token of a user on `forewarn user remove`', async () => {
    const email = `removed.${T}@sales.example`;
    const token = await addUser(email, 'lead');
    const session = (await signIn(email, password)).cookie as string;
    expect([await me(session), await me(token)]).toEqual([200, 200]);
    const started = Date.now();
    const result = await cli(['user', 'remove', email]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ email, removed: true, sessionsEnded: 1 });
    expect(await endedWithin(session, started)).toBeLessThan(17_000);
    await eventually('the token to stop working', async () => (await me(token)) === 401, { timeoutMs: 20_000 });
    expect((await signIn(email, password)).status).toBe(401);
  });

  it('ends the other sessions, but not the current one, when a user changes their password on the page or by the API', async () => {
    const email = `changer.${T}@sales.example`;
    const added = await cli(['user', 'add', email, '--role', 'rep', '--team', 'enterprise', '--password-stdin'], `${password}\nignored second line\n`);
    expect(added.code).toBe(0);
    expect(added.stderr).not.toContain('warning');
    const elsewhere = (await signIn(email, password)).cookie as string;
    expect(await me(elsewhere)).toBe(200);

    // The page: a same-origin form post, in a real browser.
    const page = await newPage();
    await page.goto(`${bus.dashboardUrl}/login`);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${bus.dashboardUrl}/`);
    await page.getByRole('link', { name: 'Change password' }).click();
    await page.getByLabel('Current password').fill('not my password');
    await page.getByLabel('New password', { exact: true }).fill(`${password}-2`);
    await page.getByLabel('New password again').fill(`${password}-2`);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(page.locator('#currentPassword-hint').textContent()).resolves.toBe('is not your current password');
    await shot(page, 'password-wrong-current');
    await page.getByLabel('Current password').fill(password);
    await page.getByLabel('New password', { exact: true }).fill(`${password}-2`);
    await page.getByLabel('New password again').fill(`${password}-2`);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.waitForURL(/\/password\?changed=1$/);
    await expect(page.getByRole('status').textContent()).resolves.toContain('You were signed out of 1 other session.');
    await shot(page, 'password-changed');
    expect(await me(elsewhere)).toBe(401); // at once: the same instance forgets it
    expect((await page.request.get(`${bus.dashboardUrl}/api/me`)).status()).toBe(200);
    expect((await signIn(email, password)).status).toBe(401);

    // The API: PUT /api/me/password from the current session keeps it and ends the browser's.
    const current = (await signIn(email, `${password}-2`)).cookie as string;
    const put = (body: unknown) => fetch(`${bus.dashboardUrl}/api/me/password`, {
      method: 'PUT', headers: { cookie: current, origin: bus.dashboardUrl, 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    const short = await put({ currentPassword: `${password}-2`, newPassword: 'short' });
    expect(short.status).toBe(400);
    expect((await short.json()).errors).toEqual([{ field: 'newPassword', message: 'must be at least 8 characters' }]);
    const changed = await put({ currentPassword: `${password}-2`, newPassword: `${password}-3` });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toEqual({ email, passwordChanged: true, sessionsEnded: 1 });
    expect(await me(current)).toBe(200);
    expect((await page.request.get(`${bus.dashboardUrl}/api/me`)).status()).toBe(401);

    // The command line: `user add` with a new password ends every session (within the cache's 15 s).
    const started = Date.now();
    const reset = await cli(['user', 'add', email, '--role', 'rep', '--team', 'enterprise', '--password', `${password}-4`]);
    expect(reset.code).toBe(0);
    expect(reset.stderr).toContain('--password is visible in your shell history');
    expect(JSON.parse(reset.stdout)).toMatchObject({ email, role: 'rep', created: false, sessionsEnded: 1 });
    expect(await endedWithin(current, started)).toBeLessThan(17_000);
    expect((await signIn(email, `${password}-4`)).status).toBe(200);
  });

  it('keeps every admin action in the audit log, newest first with its actor, for `forewarn audit` and admins on /api/audit', async () => {
    // A policy reload in account-health, and a replay, join the user changes of the tests above.
    writeFileSync(policyFile, JSON.stringify({ version: `v2-${T}`, handoffs: { weight: 3 } }));
    bus.services['account-health'].child.kill('SIGHUP');
    await eventually('the policy reload on record', async () =>
      (await bus.database.db.query(`SELECT 1 FROM audit.entries WHERE action = 'policy.reloaded'`)).length === 1);
    const replayed = await cli(['replay']);
    expect(replayed.code).toBe(0);

    const listed = await cli(['audit', '--limit', '50']);
    expect(listed.code).toBe(0);
    const entries = JSON.parse(listed.stdout) as { id: string; at: string; actor: string; action: string; target: string | null; details: Record<string, unknown> }[];
    const cliActor = expect.stringMatching(/^cli:.+@.+$/);
    const changer = `changer.${T}@sales.example`;
    expect(entries.map((e) => [e.actor, e.action, e.target])).toEqual([
      [cliActor, 'replay.run', `test.${bus.tag}.events.v1`],
      ['system:account-health', 'policy.reloaded', policyFile],
      [cliActor, 'user.token_rotated', changer],
      [cliActor, 'user.password_set', changer],
      [changer, 'user.password_changed', changer],
      [changer, 'user.password_changed', changer],
      [cliActor, 'user.added', changer],
      [cliActor, 'user.removed', `removed.${T}@sales.example`],
      [cliActor, 'user.sessions_revoked', `revoked.${T}@sales.example`],
    ]);
    expect(entries.map((e) => e.at)).toEqual([...entries.map((e) => e.at)].sort().reverse());
    expect(entries[1].details).toMatchObject({ version: `v2-${T}`, previous: `v1-${T}`, file: policyFile, why: 'SIGHUP' });
    expect(entries[4].details).toEqual({ via: 'api', sessionsEnded: 1 });
    expect(entries[6].details).toEqual({ role: 'rep', team: 'enterprise', name: null, passwordSet: true });
    expect(listed.stdout).not.toContain(password);
    const users = JSON.parse((await cli(['audit', '--action', 'user.', '--since', '1h'])).stdout) as { action: string }[];
    expect(users.map((e) => e.action)).toEqual(entries.slice(2).map((e) => e.action));
    expect((await cli(['audit', '--since', 'yesterday'])).stderr).toContain('--since must be');

    // The same log over HTTP, for admins, in pages.
    const all = await (await api('/api/audit', admin.token)).json();
    expect(all).toEqual(entries);
    const first = await api('/api/audit?action=user.&limit=3', admin.token);
    const page1 = (await first.json()) as { id: string }[];
    const next = /^<([^>]+)>; rel="next"$/.exec(first.headers.get('link') ?? '')?.[1] as string;
    const page2 = (await (await api(next, admin.token)).json()) as { id: string }[];
    expect([...page1, ...page2].map((e) => e.id)).toEqual(entries.slice(2, 8).map((e) => e.id));
    const reloads = await (await api(`/api/audit?action=policy.reloaded&actor=system:account-health`, admin.token)).json();
    expect(reloads).toHaveLength(1);

    const forRep = await api('/api/audit', rep.token);
    expect(forRep.status).toBe(403);
    expect(forRep.headers.get('content-type')).toContain('application/problem+json');
    const bad = await api('/api/audit?since=last+week', admin.token);
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors).toEqual([expect.objectContaining({ field: 'since' })]);
  });

  it('shows the development mail to admins only: 404 for a rep, as if it did not exist', async () => {
    const page = (token: string) => fetch(`${bus.dashboardUrl}/dev/mail`, { headers: { authorization: `Bearer ${token}`, accept: 'text/html' } });
    expect((await page(rep.token)).status).toBe(404);
    const forAdmin = await page(admin.token);
    expect(forAdmin.status).toBe(200);
    expect(await forAdmin.text()).toContain('Development mail');
    expect(await (await page(rep.token)).text()).not.toContain('Dev mail');
  });

  describe('a second dashboard instance, served over https, with a short idle limit', () => {
    beforeAll(async () => {
      other = await startService('dashboard', {
        ...bus.env,
        PUBLIC_URL: 'https://forewarn.example.com',
        DASHBOARD_SESSION_IDLE_MINUTES: '0.1', // six seconds
        DASHBOARD_LOGIN_FREE_FAILURES: '1',
        DASHBOARD_LOGIN_BACKOFF_SECONDS: '1',
        DASHBOARD_LOGIN_BACKOFF_MAX_SECONDS: '2',
      });
    });

    it('sends HSTS on every answer when PUBLIC_URL is https, and none when it is http', async () => {
      const https = other as RunningService;
      for (const path of ['/login', '/healthz', '/api/me', '/no-such-page']) {
        expect((await fetch(`${https.url}${path}`)).headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
        expect((await fetch(`${bus.dashboardUrl}${path}`)).headers.get('strict-transport-security')).toBeNull();
      }
    });

    it('keeps a session alive while it is used, and ends it once idle for longer than the limit', async () => {
      const url = (other as RunningService).url;
      const { cookie } = await signIn(rep.email, password, url);
      for (let i = 0; i < 6; i += 1) {
        expect(await me(cookie as string, url)).toBe(200);
        await sleep(1_500); // nine seconds of use in all, longer than the six-second idle limit
      }
      await sleep(8_000);
      expect(await me(cookie as string, url)).toBe(401);
      expect(await me((await signIn(rep.email, password, url)).cookie as string, url)).toBe(200);
    });

    it('slows down one address guessing at many e-mails, whichever e-mails it tries', async () => {
      const url = (other as RunningService).url;
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) statuses.push((await signIn(`spray-${i}.${T}@sales.example`, 'Winter2026!', url)).status);
      expect(statuses).toEqual([401, 401, 401, 401, 429]); // four failures per address for one per account
    });
  });
});
