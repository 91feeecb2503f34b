import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signLink } from '@forewarn/alerting';
import { type Bus, startBus } from './support/bus';
import { eventually } from './support/services';

/**
 * What reps say back: one-click acknowledge and snooze links from the mail (no login, signed,
 * expiring), the same from the dashboard API, preferences, and resending a mail.
 */
describe('feedback: acknowledge, snooze, preferences and resend', () => {
  let bus: Bus;
  let apiKey: string;
  let adminToken: string;
  let ownerToken: string;
  let seq = 0;
  const T = Date.now().toString(36);
  const secret = 'test-secret-0123456789abcdef0123456789'; // the bus's FOREWARN_SECRET
  const owner = `fb.${T}@sales.example`;
  const accountId = `feedback-${T}`;
  const event = (type: string, data: Record<string, unknown>) => ({
    specversion: '1.0', id: `fb-${T}-${seq++}`, type: `forewarn.${type}`, time: new Date(Date.now() - 60_000 + seq * 100).toISOString(), data,
  });
  const linkIn = (text: string, label: string) => {
    const match = new RegExp(`${label}: (\\S+)`).exec(text);
    if (!match) throw new Error(`no "${label}" link in the mail`);
    return match[1].replace('http://localhost:3000', bus.dashboardUrl);
  };
  const mailsTo = (address: string) => bus.sink.messages().filter((m) => m.to.includes(address));
  const post = (path: string, token: string, body?: unknown, method = 'POST') =>
    fetch(`${bus.dashboardUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

  // A stand-in for Slack's incoming webhook: records what is posted.
  const chatPosts: unknown[] = [];
  let chatServer: Server;
  let chatUrl: string;

  beforeAll(async () => {
    chatServer = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        chatPosts.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => chatServer.listen(0, '127.0.0.1', resolve));
    chatUrl = `http://127.0.0.1:${(chatServer.address() as AddressInfo).port}/services/T0/B0/hook`;
    bus = await startBus('feedback');
    apiKey = await bus.addSource('helpdesk');
    adminToken = await bus.addUser(`admin.${T}@sales.example`, 'admin');
    ownerToken = await bus.addUser(owner, 'rep', 'enterprise');
    expect((await bus.postEvents(apiKey, [
      event('account.upserted', { id: accountId, name: 'Feedback Foods', owner: { name: 'Fran Bell', email: owner }, team: 'enterprise' }),
      event('case.opened', { account: { id: accountId }, case: { id: `FB-${T}`, title: 'Orders stuck', severity: 2, status: 'open', escalationLevel: 1 } }),
      event('case.resolution_rejected', { account: { id: accountId }, case: { id: `FB-${T}` }, reason: 'Manual entry is not a fix' }),
    ])).status).toBe(202);
    await eventually('the heads-up', async () => mailsTo(owner)[0], { timeoutMs: 60_000 });
  });

  afterAll(async () => {
    await bus?.stop();
    await new Promise((resolve) => chatServer?.close(resolve));
  });

  it('acknowledges from the mail in one click, without signing in', async () => {
    const mail = mailsTo(owner)[0];
    const link = linkIn(mail.text, 'Acknowledge');
    const page = await fetch(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Feedback Foods is at risk');
    expect(html).toContain('<form method="post"');
    const done = await fetch(link, { method: 'POST' });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Feedback Foods is acknowledged');
    const [ack] = await eventually('the acknowledgement to reach the notifier', async () => {
      const rows = await bus.database.db.query('SELECT alert_id, by_email, via, state FROM notifier.acknowledgements WHERE account_id = $1', [accountId]);
      return rows.length ? rows : null;
    });
    expect(ack).toEqual({ alert_id: mail.headers['x-forewarn-alert-id'], by_email: owner, via: 'email', state: 'at_risk' });
  });

  it('snoozes from the mail for 24 hours', async () => {
    const done = await fetch(linkIn(mailsTo(owner)[0].text, 'Snooze 24 h'), { method: 'POST' });
    expect(done.status).toBe(200);
    const [snooze] = await eventually('the snooze', async () => {
      const rows = await bus.database.db.query('SELECT until FROM notifier.snoozes WHERE account_id = $1 AND email = $2', [accountId, owner]);
      return rows.length ? rows : null;
    });
    expect(Math.abs(new Date(snooze.until).getTime() - (Date.now() + 24 * 3_600_000))).toBeLessThan(120_000);
  });

  it('refuses expired and tampered links with a page that says so', async () => {
    const alertId = mailsTo(owner)[0].headers['x-forewarn-alert-id'];
    const expired = signLink({ action: 'ack', alertId, accountId, email: owner }, new Date(Date.now() - 1000), secret);
    const expiredPage = await fetch(`${bus.dashboardUrl}/a/${expired}`, { method: 'POST' });
    expect(expiredPage.status).toBe(410);
    expect(await expiredPage.text()).toContain('This link has expired');
    const forged = signLink({ action: 'ack', alertId, accountId, email: owner }, new Date(Date.now() + 3_600_000), 'some-other-secret-0123456789abcdef');
    expect((await fetch(`${bus.dashboardUrl}/a/${forged}`)).status).toBe(400);
    expect((await fetch(`${bus.dashboardUrl}/a/garbage`)).status).toBe(400);
  });

  it('acknowledges and snoozes through the API, with 404 and 400 naming the problem', async () => {
    const alertId = mailsTo(owner)[0].headers['x-forewarn-alert-id'];
    // The rep acknowledged it from the mail already: the admin is told so, and nothing is published again.
    const ack = await post(`/api/alerts/${alertId}/ack`, adminToken);
    expect(ack.status).toBe(200);
    expect(await ack.json()).toMatchObject({ alreadyAcknowledged: true, acknowledged: { alertId, accountId, state: 'at_risk', by: owner, via: 'email' } });
    const missing = await post('/api/alerts/not-an-alert/ack', adminToken);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    const badHours = await post(`/api/accounts/${accountId}/snooze`, ownerToken, { hours: 0 });
    expect(badHours.status).toBe(400);
    expect((await badHours.json()).errors).toEqual([expect.objectContaining({ field: 'hours' })]);
    expect((await post(`/api/accounts/${accountId}/snooze`, ownerToken, { hours: 72 })).status).toBe(202);
  });

  it('stores preferences and names a bad field', async () => {
    const bad = await post('/api/me/preferences', ownerToken, { mode: 'digest', quietHours: { start: '22:00', end: '06:30' }, timeZone: 'Mars/Base', chat: null }, 'PUT');
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors).toEqual([expect.objectContaining({ field: 'timeZone' })]);
    expect((await post('/api/me/preferences', ownerToken, { mode: 'digest', quietHours: { start: '22:00', end: '06:30' }, timeZone: 'Europe/Lisbon', chat: { kind: 'slack', url: chatUrl } }, 'PUT')).status).toBe(202);
    const stored = await eventually('the preferences', async () => {
      const body = await (await fetch(`${bus.dashboardUrl}/api/me/preferences`, { headers: { authorization: `Bearer ${ownerToken}` } })).json();
      return body.updatedAt ? body : null;
    });
    expect(stored).toMatchObject({ mode: 'digest', quietHours: { start: '22:00', end: '06:30' }, timeZone: 'Europe/Lisbon', chat: { kind: 'slack', url: chatUrl } });
  });

  it('resends a mail on request, once, with a copy in the rep’s Slack channel', async () => {
    const [row] = await bus.database.db.query(`SELECT id::text FROM notifier.notifications WHERE account_id = $1 AND recipient = $2 AND status = 'sent'`, [accountId, owner]);
    const resend = await post(`/api/notifications/${row.id}/resend`, adminToken);
    expect(resend.status).toBe(202);
    await eventually('the second copy', async () => mailsTo(owner).length === 2, { timeoutMs: 30_000 });
    const [first, second] = mailsTo(owner);
    expect(second.headers['x-forewarn-alert-id']).toBe(first.headers['x-forewarn-alert-id']);
    const [slack] = await eventually('the Slack copy', async () => (chatPosts.length ? chatPosts : null));
    expect(slack).toMatchObject({ text: expect.stringContaining('Feedback Foods'), blocks: expect.any(Array) });
    const [ledger] = await eventually('the chat outcome in the ledger', async () => {
      const rows = await bus.database.db.query('SELECT chat_outcome FROM notifier.notifications WHERE id = $1 AND chat_outcome IS NOT NULL', [row.id]);
      return rows.length ? rows : null;
    });
    expect(ledger.chat_outcome).toBe('sent to slack');
  });
});
