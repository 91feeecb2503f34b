import { type Bus, startBus } from './support/bus';
import { eventually } from './support/services';

/**
 * A leaked log opens nothing: after a rep used the links in their mail, a support system sent its
 * key as `?token=`, people signed in and some requests failed, the output of all four services
 * holds no api key, user token, session id, password or link token — and, at the default level,
 * no recipient's address and no customer's comment.
 */
describe('logs: nothing secret in any service’s output', () => {
  let bus: Bus;
  let seq = 0;
  const T = Date.now().toString(36);
  const owner = `logs.${T}@sales.example`;
  const password = `pw-${T}-battery-staple`;
  const accountId = `logs-${T}`;
  const comment = `Third outage this month ${T}, we are evaluating other vendors`;
  const secrets: string[] = [password];
  const event = (type: string, data: Record<string, unknown>) => ({
    specversion: '1.0', id: `lg-${T}-${seq++}`, type: `forewarn.${type}`, time: new Date(Date.now() - 60_000 + seq * 100).toISOString(), data,
  });
  const linkIn = (text: string, label: string) => {
    const match = new RegExp(`${label}: (\\S+)`).exec(text);
    if (!match) throw new Error(`no "${label}" link in the mail`);
    return match[1].replace('http://localhost:3000', bus.dashboardUrl);
  };

  beforeAll(async () => {
    bus = await startBus('log-secrets', { LOG_LEVEL: 'info' });
    const apiKey = await bus.addSource('helpdesk');
    const webhookKey = await bus.addSource(`fd-${T}`, 'freshdesk');
    const { token } = await bus.upsertUser({ email: owner, name: 'Lou Gray', role: 'rep', team: 'enterprise' }, password);
    secrets.push(apiKey, webhookKey, token);

    expect((await bus.postEvents(apiKey, [
      event('account.upserted', { id: accountId, name: 'Logwood Ltd', owner: { name: 'Lou Gray', email: owner }, team: 'enterprise' }),
      event('case.opened', { account: { id: accountId }, case: { id: `LG-${T}`, title: 'Exports fail', severity: 1, status: 'open', escalationLevel: 2 } }),
      event('case.commented', { account: { id: accountId }, case: { id: `LG-${T}` }, actor: { type: 'customer', name: 'Cy Customer' }, comment: { public: true, excerpt: comment } }),
      event('case.resolution_rejected', { account: { id: accountId }, case: { id: `LG-${T}` }, reason: 'Not acceptable' }),
    ])).status).toBe(202);
    // A helpdesk that can only put its key in the URL, once well-formed and once not.
    const webhook = `${bus.gatewayUrl}/v1/webhooks/freshdesk/fd-${T}?token=${encodeURIComponent(webhookKey)}`;
    await fetch(webhook, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"not":"freshdesk"}' });
    await fetch(webhook, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    await fetch(`${bus.gatewayUrl}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'text/plain' }, body: 'x' });

    const mail = await eventually('the heads-up', async () => bus.sink.messages().find((m) => m.to.includes(owner)), { timeoutMs: 90_000 });
    for (const label of ['Acknowledge', 'Snooze 24 h']) {
      const link = linkIn(mail.text, label);
      secrets.push(new URL(link).pathname.slice('/a/'.length));
      expect((await fetch(link)).status).toBe(200);
      expect((await fetch(link, { method: 'POST' })).status).toBe(200);
      // A link cut short in a mail client: a 4xx that names the path in the log.
      await fetch(link.slice(0, -5));
    }

    // Sign in with the password (a session cookie), use the dashboard, sign out.
    const login = await fetch(`${bus.dashboardUrl}/login`, {
      method: 'POST', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: bus.dashboardUrl },
      body: new URLSearchParams({ email: owner, password, next: '/' }).toString(),
    });
    const sessionId = /fw_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
    expect(sessionId).toBeTruthy();
    secrets.push(decodeURIComponent(sessionId!));
    const cookie = `fw_session=${sessionId}`;
    expect((await fetch(`${bus.dashboardUrl}/accounts/${accountId}`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${bus.dashboardUrl}/api/accounts/nobody-${T}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
    expect((await fetch(`${bus.dashboardUrl}/api/accounts?limit=zillion`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(400);
    await eventually('the acknowledgement to reach the notifier', async () => {
      const rows = await bus.database.db.query('SELECT 1 FROM notifier.acknowledgements WHERE account_id = $1', [accountId]);
      return rows.length > 0;
    });
  });

  afterAll(async () => {
    await bus?.stop();
  });

  const output = () => Object.values(bus.services).map((service) => service.logs()).join('\n');

  it('writes request and error lines, so the check below means something', () => {
    const logs = output();
    expect(logs).toContain('/a/[redacted]');
    expect(logs).toMatch(/token=\[redacted\]/);
  });

  it('holds no api key, user token, session id, password or link token', () => {
    const logs = output();
    expect(secrets.length).toBe(7);
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });

  it('holds neither the recipient’s address nor the customer’s comment at the default level', () => {
    const logs = output();
    expect(logs).not.toContain(owner);
    expect(logs).not.toContain(comment);
  });
});
