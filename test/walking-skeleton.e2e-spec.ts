import { type Bus, startBus } from './support/bus';
import { eventually, sleep } from './support/services';

/**
 * One support story through every real part: gateway → Kafka → account-health → PostgreSQL →
 * alert → notifier → SMTP, and onto the dashboard API.
 */
describe('walking skeleton: a worsening account warns its owner', () => {
  let bus: Bus;
  let apiKey: string;
  let adminToken: string;
  let seq = 0;
  const T = Date.now().toString(36);
  const owner = `riley.${T}@sales.example`;
  const otherOwner = `jo.${T}@sales.example`;
  const lead = `morgan.${T}@sales.example`;
  const worsening = { id: `northwind-${T}` };
  const calm = { id: `initech-${T}` };
  const checkout = { id: `ZD-${T}`, title: 'Checkout payments failing', severity: 2, status: 'open' };

  const event = (type: string, data: Record<string, unknown>, id = `e2e-${T}-${seq++}`) => ({
    specversion: '1.0', id, type: `forewarn.${type}`, time: new Date(Date.now() - 60_000 + seq * 1000).toISOString(), data,
  });
  const accountEvents = [
    event('account.upserted', { id: worsening.id, name: 'Northwind Traders', domains: [`northwind-${T}.example`], owner: { name: 'Riley Chen', email: owner }, lead: { name: 'Morgan Lee', email: lead }, team: 'enterprise', timezone: 'Europe/Berlin' }),
    event('account.upserted', { id: calm.id, name: 'Initech', owner: { name: 'Jo Park', email: otherOwner }, lead: { name: 'Morgan Lee', email: lead }, team: 'enterprise' }),
  ];
  const storyEvents = [
    event('case.opened', { account: worsening, case: checkout, actor: { type: 'customer', name: 'Dana Whitfield' } }),
    event('case.escalated', { account: worsening, case: { ...checkout, escalationLevel: 1 }, reason: 'Revenue impact' }),
    event('case.resolution_rejected', { account: worsening, case: checkout, actor: { type: 'customer', name: 'Dana Whitfield' }, reason: 'The workaround doubles our fees' }),
    event('case.opened', { account: calm, case: { id: `ZD-Q-${T}`, title: 'How do I export invoices?', severity: 4, status: 'open' } }),
  ];

  beforeAll(async () => {
    bus = await startBus('skeleton');
    apiKey = await bus.addSource('helpdesk');
    adminToken = await bus.addUser(`admin.${T}@sales.example`, 'admin');
  });

  afterAll(async () => {
    await bus?.stop();
  });

  const mailsTo = (address: string) => bus.sink.messages().filter((m) => m.to.includes(address));

  it('sends exactly one heads-up to the owner, and nothing to anyone else', async () => {
    expect((await bus.postEvents(apiKey, accountEvents)).status).toBe(202);
    for (const e of storyEvents) {
      const response = await bus.postEvents(apiKey, e);
      expect(response.status).toBe(202);
      expect(response.json).toEqual({ accepted: 1, ids: [e.id] });
    }

    const mail = await eventually('a mail to the owner', async () => mailsTo(owner)[0], { timeoutMs: 60_000 });
    await sleep(5_000); // longer than the group wait: a second mail would have arrived by now
    expect(mailsTo(owner)).toHaveLength(1);
    expect(bus.sink.messages()).toHaveLength(1);
    expect(mail.headers['x-forewarn-kind']).toBe('heads-up');
    expect(mail.headers['x-forewarn-account']).toBe(worsening.id);
    expect(mail.headers['x-forewarn-alert-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(mail.subject).toContain('Northwind Traders');
    expect(mail.text).toContain('Checkout payments failing');
    expect(mail.html).toContain(`/accounts/${worsening.id}`);
  });

  it('shows the account at risk with its reasons on the dashboard API', async () => {
    const response = await fetch(`${bus.dashboardUrl}/api/accounts/${worsening.id}`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(response.status).toBe(200);
    const detail = await response.json();
    expect(detail.health.state).toBe('at_risk');
    const codes = detail.health.reasons.map((r: { code: string }) => r.code);
    expect(codes).toEqual(expect.arrayContaining(['open_severe_cases', 'open_escalations', 'rejected_resolution']));
    const rejected = detail.health.reasons.find((r: { code: string }) => r.code === 'rejected_resolution');
    expect(rejected.label).toContain('The workaround doubles our fees');
    expect(rejected.evidence[0]).toMatchObject({ caseId: checkout.id, title: checkout.title });

    const list = await (await fetch(`${bus.dashboardUrl}/api/accounts`, { headers: { authorization: `Bearer ${adminToken}` } })).json();
    expect(list.map((a: { id: string }) => a.id)).toEqual([worsening.id, calm.id]);
    expect(list[0]).toMatchObject({ state: 'at_risk', openCases: 1, openEscalations: 1 });
    expect(list[1]).toMatchObject({ state: 'healthy' });
  });

  it('changes nothing when the same events are sent again', async () => {
    const before = await fetch(`${bus.dashboardUrl}/api/accounts/${worsening.id}`, { headers: { authorization: `Bearer ${adminToken}` } }).then((r) => r.json());
    const storedBefore = await bus.database.db.query('SELECT count(*)::int AS n FROM health.events');
    expect((await bus.postEvents(apiKey, [...accountEvents, ...storyEvents])).status).toBe(202);
    await eventually('the re-sent events to be consumed', async () => (await bus.lag('account-health', bus.topics.events)) === 0, { timeoutMs: 30_000 });
    await sleep(3_000);
    const after = await fetch(`${bus.dashboardUrl}/api/accounts/${worsening.id}`, { headers: { authorization: `Bearer ${adminToken}` } }).then((r) => r.json());
    expect(after.health).toEqual(before.health);
    expect(after.alerts.map((a: { id: string }) => a.id)).toEqual(before.alerts.map((a: { id: string }) => a.id));
    expect(await bus.database.db.query('SELECT count(*)::int AS n FROM health.events')).toEqual(storedBefore);
    expect(bus.sink.messages()).toHaveLength(1);
  });

  it('rejects invalid input with a 400 naming the field, and nothing reaches Kafka', async () => {
    const onTopic = await bus.messageCount(bus.topics.events);

    const missingCaseId = await bus.postEvents(apiKey, event('case.opened', { account: worsening, case: { title: 'no id' } }));
    expect(missingCaseId.status).toBe(400);
    expect(missingCaseId.headers.get('content-type')).toContain('application/problem+json');
    expect(missingCaseId.json?.errors).toEqual([expect.objectContaining({ field: 'data.case.id' })]);
    expect(String(missingCaseId.json?.detail)).toContain('data.case.id');

    const badBatch = await bus.postEvents(apiKey, [event('case.opened', { account: worsening, case: checkout }), event('case.escalated', { account: worsening, case: { ...checkout, severity: 9 } })]);
    expect(badBatch.status).toBe(400);
    expect(badBatch.json?.errors).toEqual([expect.objectContaining({ field: '[1].data.case.severity' })]);

    const unknownType = await bus.postEvents(apiKey, { ...event('case.opened', { account: worsening, case: checkout }), type: 'forewarn.case.exploded' });
    expect(unknownType.status).toBe(400);
    expect(unknownType.json?.errors).toEqual([expect.objectContaining({ field: 'type' })]);

    const notJson = await bus.postEvents(apiKey, '{"specversion": "1.0",', 'application/cloudevents+json');
    expect(notJson.status).toBe(400);
    expect(String(notJson.json?.detail)).toMatch(/not valid JSON/);

    const wrongType = await bus.postEvents(apiKey, 'hello', 'text/plain');
    expect(wrongType.status).toBe(415);

    const noKey = await fetch(`${bus.gatewayUrl}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(noKey.status).toBe(401);
    expect(noKey.headers.get('content-type')).toContain('application/problem+json');

    expect(await bus.messageCount(bus.topics.events)).toBe(onTopic);
  });

  it('dead-letters poison messages from direct producers with the reason, and keeps consuming', async () => {
    const producer = bus.kafka.producer();
    await producer.connect();
    const valid = event('case.commented', { account: calm, case: { id: `ZD-Q-${T}` }, actor: { type: 'customer', name: 'Peter' }, comment: { excerpt: 'Thanks!' } });
    await producer.send({
      topic: bus.topics.events,
      acks: -1,
      messages: [
        { key: calm.id, value: 'this is not json' },
        { key: calm.id, value: JSON.stringify({ ...valid, id: `${valid.id}-bad`, source: '/direct', data: { account: calm } }) },
        { key: calm.id, value: JSON.stringify({ ...valid, source: '/direct' }) },
      ],
    });
    await producer.disconnect();

    await eventually('the partition to move past the poison messages', async () => (await bus.lag('account-health', bus.topics.events)) === 0);
    const stored = await bus.database.db.query('SELECT source, id FROM health.events WHERE id = $1', [valid.id]);
    expect(stored).toEqual([{ source: '/direct', id: valid.id }]);

    const dead: { reason: string; offset: string; value: string }[] = [];
    const consumer = bus.kafka.consumer({ groupId: `test-dlq-${bus.tag}` });
    await consumer.connect();
    await consumer.subscribe({ topic: bus.topics.dlq, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        dead.push({ reason: String(message.headers?.['forewarn-dlq-reason']), offset: String(message.headers?.['forewarn-dlq-original-offset']), value: String(message.value) });
      },
    });
    await eventually('two dead letters', async () => dead.length === 2);
    await consumer.disconnect();
    expect(dead[0]).toMatchObject({ reason: 'value is not JSON', value: 'this is not json' });
    expect(dead[1].reason).toBe('invalid event: data.case is required');
  });
});
