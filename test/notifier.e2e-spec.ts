import { type Bus, startBus } from './support/bus';
import { eventually, sleep } from './support/services';

/** The notifier against a real SMTP server: bursts become one mail, and an SMTP outage loses nothing. */
describe('notifier: one mail per burst, nothing lost while the mail server is down', () => {
  let bus: Bus;
  let apiKey: string;
  let seq = 0;
  const T = Date.now().toString(36);

  const event = (type: string, data: Record<string, unknown>) => ({
    specversion: '1.0', id: `n-${T}-${seq++}`, type: `forewarn.${type}`, time: new Date(Date.now() - 120_000 + seq * 100).toISOString(), data,
  });
  const account = (id: string, owner: string) =>
    event('account.upserted', { id, name: `${id} Corp`, owner: { name: 'Riley Chen', email: owner }, lead: { name: 'Morgan Lee', email: `lead.${T}@sales.example` }, members: [], team: 'enterprise' });

  beforeAll(async () => {
    bus = await startBus('notifier', { NOTIFY_GROUP_WAIT_MS: '3000', SMTP_RETRY_MAX_MS: '1000' }, ['account-health', 'notifier', 'gateway']);
    apiKey = await bus.addSource('helpdesk');
  });

  afterAll(async () => {
    await bus?.stop();
  });

  const mailsTo = (address: string) => bus.sink.messages().filter((m) => m.to.includes(address));

  it('turns a burst of 50 events about one account into one mail with the final state', async () => {
    const owner = `burst.${T}@sales.example`;
    const id = `burst-${T}`;
    expect((await bus.postEvents(apiKey, account(id, owner))).status).toBe(202);
    const cases = Array.from({ length: 5 }, (_, i) => ({ id: `B-${T}-${i}`, title: `Outage ${i}`, severity: 2, status: 'open' }));
    const burst = [
      ...cases.map((c) => event('case.opened', { account: { id }, case: c })),
      ...cases.map((c) => event('case.escalated', { account: { id }, case: { ...c, escalationLevel: 2 } })),
      ...cases.map((c) => event('case.resolution_rejected', { account: { id }, case: c, reason: 'Not good enough' })),
    ];
    while (burst.length < 50) burst.push(event('case.commented', { account: { id }, case: cases[burst.length % 5], actor: { type: 'customer', name: 'Dana' }, comment: { public: true, excerpt: 'Any news?' } }));
    // Sent as they would arrive from a helpdesk: one request per event.
    for (const e of burst) expect((await bus.postEvents(apiKey, e)).status).toBe(202);

    const mail = await eventually('the burst mail', async () => mailsTo(owner)[0], { timeoutMs: 60_000 });
    await sleep(5_000);
    expect(mailsTo(owner)).toHaveLength(1);
    expect(mail.headers['x-forewarn-kind']).toBe('heads-up');
    expect(mail.subject).toContain('firestorm');
    // The lead hears about a firestorm too: one mail, not one per intermediate state.
    expect(mailsTo(`lead.${T}@sales.example`)).toHaveLength(1);

    const ledger = await bus.database.db.query(`SELECT status, count(*)::int AS n FROM notifier.notifications WHERE account_id = $1 AND recipient = $2 GROUP BY status`, [id, owner]);
    expect(Object.fromEntries(ledger.map((r: { status: string; n: number }) => [r.status, r.n]))).toMatchObject({ sent: 1 });
  });

  it('holds mail while SMTP is down, reports it on /readyz, and sends it exactly once when SMTP is back', async () => {
    const owner = `outage.${T}@sales.example`;
    const id = `outage-${T}`;
    await bus.stopSink();
    expect((await bus.postEvents(apiKey, [
      account(id, owner),
      event('case.opened', { account: { id }, case: { id: `O-${T}`, title: 'Invoices wrong', severity: 1, status: 'open' } }),
      event('case.escalated', { account: { id }, case: { id: `O-${T}`, escalationLevel: 1 } }),
    ])).status).toBe(202);

    await eventually('the mail to wait for SMTP', async () => {
      const rows = await bus.database.db.query(`SELECT status, attempts, last_error FROM notifier.notifications WHERE account_id = $1`, [id]);
      return rows.length === 1 && rows[0].status === 'retrying' && rows[0].attempts >= 2 ? rows[0] : null;
    }, { timeoutMs: 60_000 });
    const ready = await fetch(`${bus.services.notifier.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ dependencies: { smtp: 'down', postgres: 'up', kafka: 'up' } });

    await bus.startSink();
    const mail = await eventually('the held mail', async () => mailsTo(owner)[0], { timeoutMs: 30_000 });
    await sleep(3_000);
    expect(mailsTo(owner)).toHaveLength(1);
    expect(mail.headers['x-forewarn-account']).toBe(id);
    const [row] = await bus.database.db.query(`SELECT status, sent_at, smtp_response FROM notifier.notifications WHERE account_id = $1`, [id]);
    expect(row.status).toBe('sent');
    expect(row.smtp_response).toMatch(/^250/);
  });

  it('dead-letters an alert message that breaks the contract, and keeps going', async () => {
    const producer = bus.kafka.producer();
    await producer.connect();
    await producer.send({ topic: bus.topics.alerts, acks: -1, messages: [{ key: 'x', value: JSON.stringify({ specversion: '1.0', type: 'forewarn.alert.raised', id: 'broken', source: '/x', time: 'now', data: { kind: 'shout' } }) }] });
    await producer.disconnect();
    await eventually('the alerts partition to move on', async () => (await bus.lag('notifier', bus.topics.alerts)) === 0);
    expect(await bus.messageCount(bus.topics.dlq)).toBeGreaterThanOrEqual(1);
    expect(await bus.database.db.query(`SELECT 1 FROM notifier.notifications WHERE alert_id = 'broken'`)).toEqual([]);
  });
});

describe('notifier: quiet hours, digests', () => {
  let bus: Bus;
  let apiKey: string;
  let seq = 0;
  const T = Date.now().toString(36);
  const event = (type: string, data: Record<string, unknown>) => ({
    specversion: '1.0', id: `q-${T}-${seq++}`, type: `forewarn.${type}`, time: new Date(Date.now() - 120_000 + seq * 100).toISOString(), data,
  });
  const owner = `night.${T}@sales.example`;
  const lead = `lead.${T}@sales.example`;
  const hhmm = (d: Date) => d.toISOString().slice(11, 16);

  beforeAll(async () => {
    // Every lead's digest is due at once (hour 0), checked every second.
    bus = await startBus('quiet', { DIGEST_HOUR: '0', DIGEST_CHECK_MS: '1000' }, ['account-health', 'notifier', 'gateway']);
    apiKey = await bus.addSource('helpdesk');
    // The rep's quiet hours cover now (as the dashboard would publish them).
    const producer = bus.kafka.producer();
    await producer.connect();
    const now = Date.now();
    await producer.send({ topic: bus.topics.alerts, acks: -1, messages: [{ key: owner, value: JSON.stringify({
      specversion: '1.0', type: 'forewarn.preferences.updated', id: `p-${T}`, source: '/forewarn/dashboard', time: new Date().toISOString(),
      data: { email: owner, mode: 'immediate', quietHours: { start: hhmm(new Date(now - 3_600_000)), end: hhmm(new Date(now + 3 * 3_600_000)) }, timeZone: 'UTC' },
    }) }] });
    await producer.disconnect();
    await eventually('the preferences to be stored', async () => (await bus.database.db.query('SELECT 1 FROM notifier.preferences WHERE email = $1', [owner])).length === 1);
  });

  afterAll(async () => {
    await bus?.stop();
  });

  const mailsTo = (address: string) => bus.sink.messages().filter((m) => m.to.includes(address));
  const account = (id: string) => event('account.upserted', { id, name: `${id} Corp`, owner: { name: 'Nat Night', email: owner }, lead: { name: 'Lee Lead', email: lead }, team: 'mid-market', timezone: 'UTC' });

  it('holds a heads-up during the rep’s quiet hours, but not a firestorm before a meeting', async () => {
    const calmNight = `calm-${T}`;
    const burning = `burning-${T}`;
    const inThreeHours = new Date(Date.now() + 3 * 3_600_000).toISOString();
    expect((await bus.postEvents(apiKey, [
      account(calmNight),
      account(burning),
      event('case.opened', { account: { id: calmNight }, case: { id: `C-${T}`, title: 'Slow reports', severity: 2, status: 'open', escalationLevel: 1 } }),
      event('case.resolution_rejected', { account: { id: calmNight }, case: { id: `C-${T}` }, reason: 'Still slow' }),
      event('meeting.scheduled', { account: { id: burning }, meeting: { id: `M-${T}`, title: 'Renewal', startsAt: inThreeHours, kind: 'renewal' } }),
      event('case.opened', { account: { id: burning }, case: { id: `F-${T}`, title: 'Data loss', severity: 1, status: 'open', escalationLevel: 2 } }),
      event('case.resolution_rejected', { account: { id: burning }, case: { id: `F-${T}` }, reason: 'Restore is not enough' }),
    ])).status).toBe(202);

    const mail = await eventually('the firestorm mail', async () => mailsTo(owner).find((m) => m.headers['x-forewarn-account'] === burning), { timeoutMs: 60_000 });
    expect(mail.subject).toContain('firestorm');
    const [held] = await eventually('the held heads-up', async () => {
      const rows = await bus.database.db.query(`SELECT status, next_attempt_at FROM notifier.notifications WHERE account_id = $1 AND recipient = $2`, [calmNight, owner]);
      return rows.length ? rows : null;
    });
    expect(held.status).toBe('pending');
    expect(new Date(held.next_attempt_at).getTime()).toBeGreaterThan(Date.now() + 2 * 3_600_000);
    expect(mailsTo(owner).filter((m) => m.headers['x-forewarn-account'] === calmNight)).toHaveLength(0);
  });

  it('sends each lead one daily digest of their accounts that are not healthy', async () => {
    const digest = await eventually('the lead’s digest', async () => mailsTo(lead).find((m) => m.headers['x-forewarn-kind'] === 'digest'), { timeoutMs: 30_000 });
    expect(digest.subject).toMatch(/^Your accounts today: /);
    expect(digest.text).toContain(`burning-${T} Corp`);
    await sleep(3_000);
    expect(mailsTo(lead).filter((m) => m.headers['x-forewarn-kind'] === 'digest')).toHaveLength(1);
  });
});
