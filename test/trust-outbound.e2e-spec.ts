import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Bus, startBus } from './support/bus';
import { eventually, sleep } from './support/services';

/**
 * Trust boundaries, outbound, through the real bus: whatever Forewarn knows about an account goes
 * only to our own people (dashboard users and FOREWARN_INTERNAL_DOMAINS, here sales.example), never
 * to the customer who organised the meeting; and chat webhooks reach only public hosts.
 */
describe('only our own people hear about an account; outbound calls only to public hosts', () => {
  let bus: Bus;
  let apiKey: string;
  let adminToken: string;
  let seq = 0;
  const T = Date.now().toString(36);
  const HOUR = 3_600_000;
  const at = (hoursFromNow: number) => new Date(Date.now() + hoursFromNow * HOUR).toISOString();
  const event = (type: string, data: Record<string, unknown>, hoursAgo = 0) => ({
    specversion: '1.0', id: `trust-${T}-${seq++}`, type: `forewarn.${type}`, time: at(-hoursAgo - seq / 3600), data,
  });

  const rep = { name: 'Riley Chen', email: `riley.${T}@sales.example` };
  const lead = { name: 'Morgan Lee', email: `morgan.${T}@sales.example` };
  const acme = { id: `acme-${T}`, domain: `acme-${T}.example` };
  const globex = { id: `globex-${T}`, domain: `globex-${T}.example` };
  const initech = { id: `initech-${T}`, domain: `initech-${T}.example` };
  const dana = { name: 'Dana Whitfield', email: `dana@${acme.domain}` };
  const sam = { name: 'Sam Ortiz', email: `sam@eu.${globex.domain}` };
  const pat = { name: 'Pat Private', email: 'pat.private@gmail.com' };
  const kim = { name: 'Kim Park', email: `kim@${initech.domain}` };

  const mailsTo = (address: string) => bus.sink.messages().filter((m) => m.to.includes(address));
  const api = async (path: string, token: string, init: { method?: string; body?: unknown } = {}) => {
    const response = await fetch(`${bus.dashboardUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type'), text, json: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : null };
  };
  const ledger = async (accountId: string) =>
    (await bus.database.db.query(
      'SELECT recipient, recipient_role, kind, status, outcome_note, chat_outcome FROM notifier.notifications WHERE account_id = $1 ORDER BY id',
      [accountId],
    )) as { recipient: string; recipient_role: string; kind: string; status: string; outcome_note: string | null; chat_outcome: string | null }[];

  // A fake chat receiver on this machine: it must hear nothing from a webhook stored as localhost.
  const chatPosts: string[] = [];
  let chatServer: Server;
  let chatPort: number;

  beforeAll(async () => {
    chatServer = createServer((request, response) => {
      chatPosts.push(request.url ?? '');
      response.end('ok');
    });
    await new Promise<void>((resolve) => chatServer.listen(0, '127.0.0.1', resolve));
    chatPort = (chatServer.address() as AddressInfo).port;

    // No host allowed past the address rule here (other tests allow their fake servers on 127.0.0.1).
    bus = await startBus('trust', { HEALTH_SWEEP_INTERVAL_MS: '1000', FOREWARN_OUTBOUND_ALLOW_HOSTS: '' });
    apiKey = await bus.addSource('crm-and-helpdesk');
    adminToken = await bus.addUser(`admin.${T}@sales.example`, 'admin');
    await bus.addUser(rep.email, 'rep', 'enterprise');
    // A chat webhook stored before addresses were checked (say, by an older version): send time checks again.
    await bus.database.db.query(
      `INSERT INTO notifier.preferences (email, mode, quiet_start, quiet_end, time_zone, chat, updated_at) VALUES ($1, 'immediate', NULL, NULL, NULL, $2, now())`,
      [rep.email, JSON.stringify({ kind: 'slack', url: `http://localhost:${chatPort}/services/T0/B0/stale` })],
    );

    const account = (ref: { id: string; domain: string }, name: string, owner: { name: string; email: string }) =>
      event('account.upserted', { id: ref.id, name, domains: [ref.domain], owner, lead, team: 'enterprise', timezone: 'UTC' }, 24 * 30);
    const firestorm = (ref: { id: string }, caseId: string) => [
      event('case.opened', { account: { id: ref.id }, case: { id: caseId, title: 'Checkout payments failing', severity: 1, status: 'open' }, actor: { type: 'customer', name: dana.name } }, 10),
      event('case.escalated', { account: { id: ref.id }, case: { id: caseId, severity: 1, escalationLevel: 2 }, actor: { type: 'agent', name: 'Sam Support' } }, 8),
      event('case.resolution_rejected', { account: { id: ref.id }, case: { id: caseId }, actor: { type: 'customer', name: dana.name }, reason: 'The workaround does not work' }, 2),
    ];
    expect((await bus.postEvents(apiKey, [
      account(acme, 'Acme Corp', rep),
      account(globex, 'Globex', rep),
      // The CRM names someone at the customer as the owner: a mistake Forewarn must not act on.
      account(initech, 'Initech', kim),
    ])).status).toBe(202);
    // The CRM's accounts are known before support's cases come in, as in real life.
    await eventually('the accounts', async () => (await bus.database.db.query('SELECT id FROM health.accounts WHERE id = ANY($1)', [[acme.id, globex.id, initech.id]])).length === 3);
    expect((await bus.postEvents(apiKey, [
      // The customer organised tomorrow's renewal meeting and invited people from outside too.
      event('meeting.scheduled', {
        account: { id: acme.id },
        meeting: { id: `cal-${T}`, title: 'Acme renewal proposal', startsAt: at(20), endsAt: at(21), kind: 'renewal', organizer: dana, attendees: [dana, rep, sam, pat] },
      }, 48),
      ...firestorm(acme, `ZD-${T}`),
      ...firestorm(initech, `ZD-${T}-i`),
    ])).status).toBe(202);
  });

  afterAll(async () => {
    await bus?.stop();
    await new Promise((resolve) => chatServer?.close(resolve));
  });

  it('a customer-organised meeting before a firestorm: the owner is briefed, the customer who organised it is not, and the ledger says why', async () => {
    await eventually('the briefing to the owner', async () => mailsTo(rep.email).find((m) => m.headers['x-forewarn-kind'] === 'briefing'), { timeoutMs: 90_000 });
    const dropped = await eventually('the organiser recorded as dropped', async () =>
      (await ledger(acme.id)).find((n) => n.recipient === dana.email && n.kind === 'briefing'));
    expect(dropped).toMatchObject({ recipient_role: 'organizer', status: 'dropped', outcome_note: `not an internal address: customer domain ${acme.domain}` });
    await sleep(2_000);
    expect(mailsTo(dana.email)).toEqual([]);
    expect(bus.sink.messages().filter((m) => m.to.some((to: string) => !to.endsWith('@sales.example')))).toEqual([]);

    // Admins see it where deliveries are shown.
    const alerts = await api(`/api/alerts?account=${acme.id}&kind=briefing`, adminToken);
    expect(alerts.status).toBe(200);
    expect(alerts.json[0].deliveries).toEqual(expect.arrayContaining([
      expect.objectContaining({ recipient: rep.email, role: 'owner', status: 'sent' }),
      expect.objectContaining({ recipient: dana.email, role: 'organizer', status: 'dropped', note: `not an internal address: customer domain ${acme.domain}` }),
    ]));
    const page = await api(`/accounts/${acme.id}`, adminToken);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`Dana Whitfield (meeting organiser) — <span class="status-failed">not mailed</span>: not an internal address: customer domain ${acme.domain}`);
  });

  it('shows the meeting organiser and attendees from outside as the customer’s people, never mailed', async () => {
    const detail = await api(`/api/accounts/${acme.id}`, adminToken);
    expect(detail.status).toBe(200);
    const meeting = detail.json.meetings.find((m: { id: string }) => m.id === `cal-${T}`);
    expect(meeting.customerPeople).toEqual([dana, sam, pat]);
    expect(detail.json.warnings).toEqual([]);
    const page = await api(`/accounts/${acme.id}`, adminToken);
    expect(page.text).toContain('organised by Dana Whitfield (the customer’s)');
    expect(page.text).toContain(`The customer’s people: Dana Whitfield (${dana.email}), Sam Ortiz (${sam.email}), Pat Private (${pat.email}) — not mailed by Forewarn`);
    for (const outsider of [sam, pat]) expect(mailsTo(outsider.email)).toEqual([]);
  });

  it('an owner on a customer domain: a warning on the account page and in the API, and no mail to them', async () => {
    const detail = await api(`/api/accounts/${initech.id}`, adminToken);
    expect(detail.json.warnings).toEqual([
      `The owner ${kim.email} is on the customer domain ${initech.domain}: Forewarn mails them nothing about any account. Make one of your own people the owner in the CRM.`,
    ]);
    const page = await api(`/accounts/${initech.id}`, adminToken);
    expect(page.text).toContain('<ul class="warnings" role="alert">');
    expect(page.text).toContain(`The owner ${kim.email} is on the customer domain ${initech.domain}`);
    const owner = await eventually('the owner recorded as dropped', async () => (await ledger(initech.id)).find((n) => n.recipient === kim.email));
    expect(owner).toMatchObject({ recipient_role: 'owner', status: 'dropped', outcome_note: `not an internal address: customer domain ${initech.domain}` });
    // The lead of the firestorm is ours and is told.
    await eventually('the lead told about Initech', async () => mailsTo(lead.email).find((m) => m.headers['x-forewarn-account'] === initech.id));
    expect(mailsTo(kim.email)).toEqual([]);
  });

  it('refuses chat webhooks inside the network when saved, naming the field, and takes a Slack address', async () => {
    for (const url of ['https://127.0.0.1/x', 'https://169.254.169.254/latest', 'https://[::1]/x', 'https://10.0.0.5/x', 'https://2130706433/x', 'https://localhost/x']) {
      const refused = await api('/api/me/preferences', adminToken, { method: 'PUT', body: { mode: 'immediate', quietHours: null, timeZone: null, chat: { kind: 'slack', url } } });
      expect([url, refused.status, refused.type]).toEqual([url, 400, expect.stringContaining('application/problem+json')]);
      expect(refused.json.errors).toEqual([{ field: 'chat.url', message: expect.stringMatching(/^must be on the public internet: .+ is (a|an) [a-z -]+ address$|is this machine$/) }]);
    }
    const slack = await api('/api/me/preferences', adminToken, { method: 'PUT', body: { mode: 'immediate', quietHours: null, timeZone: null, chat: { kind: 'slack', url: 'https://hooks.slack.com/services/T0/B0/abc' } } });
    expect(slack.status).toBe(202);
    expect(slack.json.chat).toEqual({ kind: 'slack', url: 'https://hooks.slack.com/services/T0/B0/abc' });

    // The preferences page says the same beside the field.
    const form = await fetch(`${bus.dashboardUrl}/preferences`, {
      method: 'POST', redirect: 'manual',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/x-www-form-urlencoded', origin: bus.dashboardUrl },
      body: new URLSearchParams({ mode: 'immediate', quietStart: '', quietEnd: '', timeZone: '', chatKind: 'slack', chatUrl: 'https://169.254.169.254/latest' }).toString(),
    });
    expect(form.status).toBe(400);
    expect(await form.text()).toContain('must be on the public internet: 169.254.169.254 is a link-local address');
  });

  it('a chat webhook stored on an internal address is refused at send time, and the ledger does not say what it would have answered', async () => {
    const row = await eventually('the chat outcome of the owner’s mail', async () => (await ledger(acme.id)).find((n) => n.recipient === rep.email && n.chat_outcome));
    expect(row.chat_outcome).toBe('refused: the address is not on the public internet');
    expect(chatPosts).toEqual([]);
  });
});
