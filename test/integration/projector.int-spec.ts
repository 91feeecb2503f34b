import type { InboundEvent } from '@forewarn/contracts';
import { PolicyInUseRepository, TxHost, UnmappedReadModel, UnmappedReadModule } from '@forewarn/database';
import { DEFAULT_POLICY, type HealthPolicy } from '@forewarn/health';
import { type ApplyOutcome, parseMessages, Projector, ProjectorModule, Rebuild, SCORING_CHUNK_ACCOUNTS } from '@forewarn/projection';
import { inTrace, recordSpans, stopTelemetry } from '@forewarn/service-kit';
import { type IntegrationApp, integrationApp } from '../support/integration';

/**
 * The projector against a real PostgreSQL, without Kafka: events in; events, accounts, cases,
 * meetings, health, alerts and outbox rows out, through the `health` repositories in one unit of work.
 */
const NOW = new Date('2026-11-25T09:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const at = (minutesBefore: number) => new Date(NOW.getTime() - minutesBefore * MINUTE).toISOString();
const POLICY: HealthPolicy = { ...DEFAULT_POLICY, version: 'int v1' };

/** Events as the topic carries them: validated and stamped by `parseMessages`, as account-health reads them. */
function events(...raw: Record<string, unknown>[]): InboundEvent[] {
  const parsed = parseMessages(raw.map((event) => ({ value: Buffer.from(JSON.stringify({ specversion: '1.0', source: '/sources/helpdesk', ...event })), timestamp: NOW.getTime() })), NOW.getTime());
  expect(parsed.rejected).toEqual([]);
  return parsed.events;
}

const acme = { id: 'acme', name: 'Acme', domains: ['acme.example'], externalRefs: [{ source: 'helpdesk', id: 'ORG-7' }], owner: { name: 'Riley Rep', email: 'riley@sales.example' }, tier: 'enterprise' };
const upsert = (id: string, minutesBefore: number, data: Record<string, unknown> = acme) => ({ id, type: 'forewarn.account.upserted', time: at(minutesBefore), source: '/sources/crm', data });
const caseEvent = (id: string, type: string, minutesBefore: number, data: Record<string, unknown> = {}, account: Record<string, unknown> = { id: 'acme' }) => ({
  id, type: `forewarn.case.${type}`, time: at(minutesBefore), data: { account, case: { id: 'ZD-1' }, ...data },
});
const meeting = (id: string, minutesBefore: number) => ({
  id, type: 'forewarn.meeting.scheduled', time: at(minutesBefore), source: '/sources/calendar',
  data: { account: { domain: 'acme.example' }, meeting: { id: 'M-1', title: 'Renewal call', startsAt: new Date(NOW.getTime() + 20 * HOUR).toISOString(), kind: 'renewal' } },
});

/** A severity-1 outage, escalated, passed around support and rejected workarounds: a customer on fire. */
const story = () => events(
  upsert('u1', 300),
  caseEvent('c1', 'opened', 240, { case: { id: 'ZD-1', title: 'Checkout down', severity: 1, status: 'open' }, actor: { type: 'customer', name: 'Dana' } }),
  caseEvent('c2', 'escalated', 200, { case: { id: 'ZD-1', escalationLevel: 2 } }),
  ...['Sam', 'Priya', 'Lena', 'Ken'].map((name, i) => caseEvent(`c${3 + i}`, 'assigned', 180 - i * 20, { assignee: { name }, actor: { type: 'agent', name } })),
  caseEvent('c7', 'resolution_rejected', 60, { reason: 'The workaround does not work', actor: { type: 'customer', name: 'Dana' } }),
  meeting('m1', 30),
);

describe('the projector on PostgreSQL', () => {
  let it_: IntegrationApp;
  let txHost: TxHost;
  let projector: Projector;

  /** One projection transaction, as account-health runs it for a batch. */
  const apply = (batch: InboundEvent[]): Promise<ApplyOutcome> => txHost.withTransaction(() => projector.apply(batch, NOW, POLICY));
  const rows = (sql: string, params: unknown[] = []) => it_.db.query(sql, params) as Promise<Record<string, unknown>[]>;
  /** What the projections hold, without the times of writing and arrival numbers. */
  const projections = async () => ({
    events: await rows('SELECT source, id, type, account_key, account_id, subject_id FROM health.events ORDER BY source, id'),
    accounts: await rows('SELECT id, name, domains, external_refs, owner_email, tier, source_time FROM health.accounts ORDER BY id'),
    cases: await rows('SELECT account_id, id, title, severity, status, escalation_level, assignee, is_open, state FROM health.cases ORDER BY account_id, id'),
    meetings: await rows('SELECT account_id, id, title, starts_at, kind, cancelled FROM health.meetings ORDER BY account_id, id'),
    health: await rows('SELECT account_id, score, state, reasons, open_cases, open_escalations, policy_version, time_dependent FROM health.account_health ORDER BY account_id'),
  });
  /** What `forewarn replay` does, from these events, in one transaction. */
  const rebuildFrom = (all: InboundEvent[]) => txHost.withTransaction(async () => {
    const rebuild = await it_.app.resolve(Rebuild);
    await rebuild.clear();
    rebuild.noteAccounts(all);
    await rebuild.saveAccounts();
    await rebuild.storeEvents(all);
    await rebuild.foldAll();
    await rebuild.scoreAll(NOW, POLICY);
  });
  const outbox = () => rows(`SELECT topic, key, value::json AS value FROM health.outbox ORDER BY id`);
  const reset = () => it_.db.query('TRUNCATE health.events, health.accounts, health.account_references, health.cases, health.meetings, health.account_health, health.health_history, health.alerts, health.briefings, health.outbox, health.policy_in_use');

  beforeAll(async () => {
    it_ = await integrationApp('projector', { imports: [ProjectorModule, UnmappedReadModule] });
    txHost = it_.app.get(TxHost);
    projector = it_.app.get(Projector);
  });

  afterAll(async () => {
    await it_?.close();
  });

  beforeEach(reset);

  it('turns a batch of events into the event store, the account, its case and meeting, its health, an alert and the outbox', async () => {
    const outcome = await apply(story());
    expect(outcome).toMatchObject({ applied: 9, duplicates: 0, accounts: ['acme'], changed: 1 });
    expect(outcome.alerts).toEqual([expect.objectContaining({ kind: 'heads-up', accountId: 'acme', state: 'firestorm' })]);

    const { events: stored, cases, meetings, health } = await projections();
    expect(stored).toHaveLength(9);
    expect(stored.every((e) => e.account_id === 'acme')).toBe(true);
    expect(cases).toEqual([expect.objectContaining({ account_id: 'acme', id: 'ZD-1', title: 'Checkout down', severity: 1, escalation_level: 2, assignee: 'Ken', is_open: true })]);
    expect(meetings).toEqual([expect.objectContaining({ account_id: 'acme', id: 'M-1', kind: 'renewal', cancelled: false })]);
    expect(health).toEqual([expect.objectContaining({ account_id: 'acme', state: 'firestorm', open_cases: 1, open_escalations: 1, policy_version: 'int v1', time_dependent: true })]);
    expect(await rows('SELECT account_id, kind, state, previous_state FROM health.alerts')).toEqual([{ account_id: 'acme', kind: 'heads-up', state: 'firestorm', previous_state: null }]);
    expect(await rows('SELECT account_id, state, policy_version, cause FROM health.health_history')).toEqual([{ account_id: 'acme', state: 'firestorm', policy_version: 'int v1', cause: 'events' }]);

    const messages = await outbox();
    expect(messages.map((m) => [m.topic, m.key, (m.value as { type: string }).type])).toEqual([
      ['health', 'acme', 'forewarn.health.changed'],
      ['alerts', 'acme', 'forewarn.alert.raised'],
    ]);
    expect((messages[1].value as { id: string }).id).toBe(outcome.alerts[0].alertId);
  });

  it('applies the newest of several upserts of one account in a batch (by time, then id), and no older one over a stored newer', async () => {
    const owner = (email: string, arr?: number) => ({ ...acme, owner: { email }, ...(arr !== undefined ? { arr, renewalDate: '2027-01-31', members: [{ email: 'sam@sales.example' }] } : {}) });
    await apply(events(upsert('u-b', 20, owner('second@sales.example', 120000.5)), upsert('u-a', 30, owner('first@sales.example')), upsert('u-c', 20, owner('third@sales.example', 99))));
    expect(await rows('SELECT owner_email, arr::float AS arr, renewal_date, members, source_time FROM health.accounts')).toEqual([
      { owner_email: 'third@sales.example', arr: 99, renewal_date: '2027-01-31', members: [{ email: 'sam@sales.example' }], source_time: new Date(at(20)) },
    ]);
    await apply(events(upsert('u-old', 40, owner('stale@sales.example')), caseEvent('c1', 'opened', 10)));
    expect(await rows('SELECT owner_email FROM health.accounts')).toEqual([{ owner_email: 'third@sales.example' }]);
  });

  it('scores a batch touching more accounts than it scores at once (SCORING_CHUNK_ACCOUNTS), every one of them, once', async () => {
    const count = SCORING_CHUNK_ACCOUNTS * 2 + 17;
    const ids = Array.from({ length: count }, (_, i) => `acct-${String(i).padStart(4, '0')}`);
    const batch = events(
      ...ids.map((id, i) => upsert(`u-${id}`, 100, { ...acme, id, name: id, domains: [], externalRefs: [{ source: 'helpdesk', id: `ORG-${i}` }] })),
      ...ids.map((id) => ({ ...caseEvent(`c-${id}`, 'opened', 50, { case: { id: 'ZD-1', severity: 1, status: 'open' } }, { id }) })),
    );
    const outcome = await apply(batch);
    expect(outcome).toMatchObject({ applied: count * 2, accounts: [...ids].sort(), changed: count });
    expect(await rows('SELECT count(*)::int AS n, count(DISTINCT account_id)::int AS accounts FROM health.account_health')).toEqual([{ n: count, accounts: count }]);
    expect(await rows(`SELECT count(*)::int AS n FROM health.outbox WHERE topic = 'health'`)).toEqual([{ n: count }]);
  });

  it('ignores a redelivered batch: nothing changes, nothing more goes out', async () => {
    await apply(story());
    const before = await projections();
    const sent = await outbox();

    const again = await apply(story());
    expect(again).toEqual({ applied: 0, duplicates: 9, accounts: [], changed: 0, alerts: [] });
    expect(await projections()).toEqual(before);
    expect(await outbox()).toEqual(sent);
    expect(await rows('SELECT count(*)::int AS n FROM health.alerts')).toEqual([{ n: 1 }]);
  });

  it('reaches the same projections whatever order and batches the events arrive in', async () => {
    const all = story();
    for (const event of all) await apply([event]);
    const inOrder = await projections();

    await reset();
    const reversed = [...all].reverse();
    await apply(reversed.slice(0, 4));
    await apply(reversed.slice(4, 5));
    await apply(reversed.slice(2)); // with redeliveries
    expect(await projections()).toEqual(inOrder);

    await reset();
    await apply(all);
    expect(await projections()).toEqual(inOrder);
  });

  it('keeps events for an unknown account unmapped, and folds them when an account with their reference arrives', async () => {
    const byDomain = caseEvent('d1', 'opened', 120, { case: { id: 'ZD-2', title: 'Invoices wrong', severity: 2, status: 'open' } }, { domain: 'acme.example' });
    const byExternalId = caseEvent('x1', 'opened', 110, { case: { id: 'ZD-3', title: 'Login slow', severity: 3, status: 'open' } }, { externalId: 'ORG-7' });
    const early = await apply(events(byDomain, byExternalId, meeting('m1', 100)));
    expect(early).toMatchObject({ applied: 3, accounts: [], changed: 0 });
    expect(await rows('SELECT id, account_id FROM health.events ORDER BY id')).toEqual([
      { id: 'd1', account_id: null }, { id: 'm1', account_id: null }, { id: 'x1', account_id: null },
    ]);
    expect(await rows('SELECT id FROM health.cases')).toEqual([]);

    const claimed = await apply(events(upsert('u1', 90)));
    expect(claimed).toMatchObject({ applied: 1, accounts: ['acme'], changed: 1 });
    expect(await rows('SELECT id, account_id FROM health.events ORDER BY id')).toEqual([
      { id: 'd1', account_id: 'acme' }, { id: 'm1', account_id: 'acme' }, { id: 'u1', account_id: 'acme' }, { id: 'x1', account_id: 'acme' },
    ]);
    expect(await rows('SELECT id, title FROM health.cases ORDER BY id')).toEqual([{ id: 'ZD-2', title: 'Invoices wrong' }, { id: 'ZD-3', title: 'Login slow' }]);
    expect(await rows('SELECT id FROM health.meetings')).toEqual([{ id: 'M-1' }]);
    expect(await rows('SELECT open_cases FROM health.account_health')).toEqual([{ open_cases: 2 }]);
  });

  describe('identity across systems', () => {
    const referenceAdded = (id: string, minutesBefore: number, data: Record<string, unknown>) => ({ id, type: 'forewarn.account.reference_added', time: at(minutesBefore), source: '/forewarn/admin', data });
    const accountOfEvents = () => rows('SELECT source, id, account_id FROM health.events ORDER BY source, id');

    it('maps an unmapped group to an account when an admin adds its domain or external id, and keeps that reference when the CRM upserts the account again', async () => {
      await apply(events(upsert('u1', 300)));
      const byDomain = caseEvent('d1', 'opened', 120, { case: { id: 'ZD-8', title: 'Export broken', severity: 2, status: 'open' } }, { domain: 'acme-labs.io' });
      const byOrg = { ...caseEvent('z1', 'opened', 110, { case: { id: 'ZD-9', title: 'SSO loop', severity: 3, status: 'open' } }, { externalId: '360009' }), source: '/sources/zendesk-eu' };
      await apply(events(byDomain, byOrg));
      expect(await rows('SELECT count(*)::int AS n FROM health.events WHERE account_id IS NULL')).toEqual([{ n: 2 }]);

      const mapped = await apply(events(referenceAdded('r1', 60, { accountId: 'acme', domains: ['acme-labs.io'], externalRefs: [{ source: 'zendesk-eu', id: '360009' }], group: 'domain:acme-labs.io', by: 'cli:ops@host' })));
      expect(mapped).toMatchObject({ applied: 1, accounts: ['acme'], changed: 1 });
      expect(await rows('SELECT count(*)::int AS n FROM health.events WHERE account_id IS NULL')).toEqual([{ n: 0 }]);
      expect(await rows('SELECT id FROM health.cases ORDER BY id')).toEqual([{ id: 'ZD-8' }, { id: 'ZD-9' }]);
      expect(await rows('SELECT open_cases FROM health.account_health')).toEqual([{ open_cases: 2 }]);
      expect(await rows("SELECT domains FROM health.account_domains WHERE account_id = 'acme' ORDER BY domains")).toEqual([{ domains: ['acme-labs.io'] }, { domains: ['acme.example'] }]);

      // The CRM does not know the mapped domain; its next upsert must not undo the mapping.
      await apply(events(upsert('u2', 30, { ...acme, name: 'Acme Corp' })));
      const later = caseEvent('d2', 'opened', 20, { case: { id: 'ZD-10', title: 'Invoices late', severity: 3, status: 'open' } }, { domain: 'acme-labs.io' });
      await apply(events(later));
      expect(await rows("SELECT account_id FROM health.events WHERE id = 'd2'")).toEqual([{ account_id: 'acme' }]);
      // Mapping the same again changes nothing.
      expect(await apply(events(referenceAdded('r1', 60, { accountId: 'acme', domains: ['acme-labs.io'] })))).toMatchObject({ applied: 0, duplicates: 1 });
    });

    it('lists the unmapped groups with sample cases and what mapping each to an account would add', async () => {
      const on = (source: string, event: Record<string, unknown>) => ({ ...event, source: `/sources/${source}` });
      await apply(events(upsert('u1', 300)));
      await apply(events(
        caseEvent('d1', 'opened', 120, { case: { id: 'ZD-8', title: 'Export broken' } }, { domain: 'Acme-Labs.io', name: 'Acme Labs' }),
        caseEvent('d2', 'commented', 100, { case: { id: 'ZD-8' } }, { domain: 'acme-labs.io' }),
        caseEvent('d3', 'opened', 90, { case: { id: 'ZD-11', title: 'Invoices late' } }, { domain: 'acme-labs.io' }),
        on('zendesk-eu', caseEvent('z1', 'opened', 80, { case: { id: 'ZD-9', title: 'SSO loop' } }, { externalId: '360009' })),
        on('zendesk-us', caseEvent('z2', 'opened', 70, { case: { id: 'ZD-12', title: 'Slow search' } }, { externalId: '360009' })),
        on('salesforce-prod', caseEvent('s1', 'opened', 60, { case: { id: 'SF-1', title: 'Refunds' } }, { id: '0015e00000ZkM3hAAF', externalId: '0015e00000ZkM3hAAF' })),
      ));
      const read = it_.app.get(UnmappedReadModel);
      const groups = await read.groups();
      expect(groups.map((g) => [g.key, g.count, g.sources, g.references])).toEqual([
        ['0015e00000ZkM3hAAF', 1, ['salesforce-prod'], { domains: [], externalRefs: [{ source: 'salesforce-prod', id: '0015e00000ZkM3hAAF' }] }],
        ['external:360009', 2, ['zendesk-eu', 'zendesk-us'], { domains: [], externalRefs: [{ source: 'zendesk-eu', id: '360009' }, { source: 'zendesk-us', id: '360009' }] }],
        ['domain:acme-labs.io', 3, ['helpdesk'], { domains: ['acme-labs.io'], externalRefs: [] }],
      ]);
      expect(groups[2]).toMatchObject({ name: 'Acme Labs', sampleCases: [{ source: 'helpdesk', id: 'ZD-11', title: 'Invoices late' }, { source: 'helpdesk', id: 'ZD-8', title: 'Export broken' }] });
      expect(await read.group('domain:acme-labs.io')).toMatchObject({ count: 3 });
      expect(await read.group('domain:nobody.example')).toBeNull();
      expect(await read.account('acme')).toEqual({ id: 'acme', name: 'Acme' });
      expect(await read.account('nobody')).toBeNull();
    });

    it('lets an event of a known case that names no known account take the case\'s account: from an earlier event, stored or in the same batch', async () => {
      const jira = (id: string, type: string, minutesBefore: number, account: Record<string, unknown>, data: Record<string, unknown> = {}) =>
        ({ ...caseEvent(id, type, minutesBefore, { case: { id: 'SUP-42', title: 'Checkout down', severity: 1, status: 'open' }, ...data }, account), source: '/sources/jira-cloud' });
      await apply(events(upsert('u1', 300)));
      await apply(events(jira('j1', 'opened', 200, { domain: 'acme.example' })));
      await apply(events(jira('j2', 'commented', 100, { externalId: 'project:SUP' }, { comment: { public: true, excerpt: 'Still down' }, actor: { type: 'customer' } })));
      // Another source's SUP-42 is another case: it stays unmapped.
      await apply(events({ ...jira('o1', 'commented', 90, { externalId: 'project:SUP' }), source: '/sources/jira-other' }));
      // Both in one batch: the first event tells the second.
      await apply(events(jira('k1', 'opened', 80, { domain: 'acme.example' }, { case: { id: 'SUP-43', title: 'Refunds stuck' } }), jira('k2', 'escalated', 70, { externalId: 'project:SUP' }, { case: { id: 'SUP-43', escalationLevel: 2 } })));
      expect(await accountOfEvents()).toEqual([
        { source: '/sources/crm', id: 'u1', account_id: 'acme' },
        { source: '/sources/jira-cloud', id: 'j1', account_id: 'acme' },
        { source: '/sources/jira-cloud', id: 'j2', account_id: 'acme' },
        { source: '/sources/jira-cloud', id: 'k1', account_id: 'acme' },
        { source: '/sources/jira-cloud', id: 'k2', account_id: 'acme' },
        { source: '/sources/jira-other', id: 'o1', account_id: null },
      ]);
      expect(await rows("SELECT id, escalation_level, state->'lastCustomerComment' IS NOT NULL AS commented FROM health.cases ORDER BY id")).toEqual([
        expect.objectContaining({ id: 'SUP-42' }), expect.objectContaining({ id: 'SUP-43', escalation_level: 2 }),
      ]);
    });

    it('claims the events of a case that came before anything said whose case it is, and a rebuild maps them the same', async () => {
      const sf = (id: string, type: string, minutesBefore: number, account: Record<string, unknown>, data: Record<string, unknown> = {}) =>
        ({ ...caseEvent(id, type, minutesBefore, { case: { id: 'SF-5005e00000ABCdEAAX', title: 'Checkout down', severity: 2, status: 'open' }, ...data }, account), source: '/sources/salesforce-prod' });
      await apply(events(upsert('u1', 300)));
      // The change event without AccountId arrives first (another partition was faster).
      await apply(events(sf('s2', 'escalated', 100, { externalId: 'case:SF-5005e00000ABCdEAAX' }, { case: { id: 'SF-5005e00000ABCdEAAX', escalationLevel: 1 } })));
      expect(await rows("SELECT account_id FROM health.events WHERE id = 's2'")).toEqual([{ account_id: null }]);
      const claimed = await apply(events(sf('s1', 'opened', 200, { id: 'acme' })));
      expect(claimed.accounts).toEqual(['acme']);
      expect(await rows("SELECT account_id FROM health.events WHERE id = 's2'")).toEqual([{ account_id: 'acme' }]);
      expect(await rows('SELECT id, escalation_level FROM health.cases')).toEqual([{ id: 'SF-5005e00000ABCdEAAX', escalation_level: 1 }]);
      const live = await projections();

      const all = events(upsert('u1', 300), sf('s2', 'escalated', 100, { externalId: 'case:SF-5005e00000ABCdEAAX' }, { case: { id: 'SF-5005e00000ABCdEAAX', escalationLevel: 1 } }), sf('s1', 'opened', 200, { id: 'acme' }));
      await rebuildFrom(all);
      const rebuilt = await projections();
      expect({ events: rebuilt.events, cases: rebuilt.cases }).toEqual({ events: live.events, cases: live.cases });
    });

    it('rebuilds the references admins mapped from the topic too', async () => {
      const all = events(upsert('u1', 300), caseEvent('d1', 'opened', 120, { case: { id: 'ZD-8', title: 'Export broken' } }, { domain: 'acme-labs.io' }), referenceAdded('r1', 60, { accountId: 'acme', domains: ['acme-labs.io'] }));
      await rebuildFrom(all);
      expect(await rows('SELECT account_id, kind, value FROM health.account_references')).toEqual([{ account_id: 'acme', kind: 'domain', value: 'acme-labs.io' }]);
      expect(await rows("SELECT account_id FROM health.events WHERE id = 'd1'")).toEqual([{ account_id: 'acme' }]);
    });
  });

  it('rolls every write of a batch back when the batch fails', async () => {
    await expect(txHost.withTransaction(async () => {
      await projector.apply(story(), NOW, POLICY);
      throw new Error('the broker went away before the commit');
    })).rejects.toThrow('the broker went away');
    expect(await projections()).toEqual({ events: [], accounts: [], cases: [], meetings: [], health: [] });
    expect(await outbox()).toEqual([]);
  });

  it('writes what an event causes to the outbox in that event’s trace, and the rest in the active one', async () => {
    const causeOf = (id: string) => `00-${id.padStart(32, '0')}-b7ad6b7169203331-01`;
    const raw = [upsert('u1', 300), caseEvent('c1', 'opened', 240, { case: { id: 'ZD-1', title: 'Checkout down', severity: 1, status: 'open', escalationLevel: 3 } })];
    const parsed = parseMessages(raw.map((event) => ({ value: Buffer.from(JSON.stringify({ specversion: '1.0', source: '/sources/helpdesk', ...event })), timestamp: NOW.getTime(), traceparent: causeOf(event.id === 'u1' ? 'a1' : 'c1') })), NOW.getTime());
    const outcome = await txHost.withTransaction(() => projector.apply(parsed.events, NOW, POLICY, parsed.traces));
    // The account's last event of the batch caused its health change and its alert.
    expect(outcome.alerts).toEqual([expect.objectContaining({ accountId: 'acme', traceparent: causeOf('c1') })]);
    expect(await rows('SELECT topic, traceparent FROM health.outbox ORDER BY id')).toEqual([{ topic: 'health', traceparent: causeOf('c1') }, { topic: 'alerts', traceparent: causeOf('c1') }]);

    // Re-scored without an event: in the sweep's trace.
    await reset();
    await apply(story());
    await it_.db.query('TRUNCATE health.outbox, health.account_health');
    const sweep = causeOf('5eeb');
    recordSpans('account-health');
    try {
      await inTrace(sweep, () => txHost.withTransaction(() => projector.recompute(['acme'], NOW, 'sweep', POLICY)));
    } finally {
      await stopTelemetry();
    }
    expect(await rows('SELECT DISTINCT traceparent FROM health.outbox')).toEqual([{ traceparent: sweep }]);
  });

  it('keeps the health policy account-health recorded last, once', async () => {
    const policies = it_.app.get(PolicyInUseRepository);
    expect(await policies.current()).toBeNull();
    await policies.record(POLICY, '/etc/forewarn/health-policy.json');
    await policies.record({ ...POLICY, version: 'int v2' }, 'built-in defaults');
    const inUse = await policies.current();
    expect(inUse).toMatchObject({ version: 'int v2', source: 'built-in defaults', policy: { ...POLICY, version: 'int v2' } });
    expect(inUse?.since).toBeInstanceOf(Date);
    expect(await rows('SELECT count(*)::int AS n FROM health.policy_in_use')).toEqual([{ n: 1 }]);
  });
});
