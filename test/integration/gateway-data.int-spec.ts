import {
  AccountDomainsReadModel, AuditLog, CalendarFeedExistsError, CalendarFeedNotFoundError, CalendarFeedsRepository, GatewayDataModule, SourceExistsError,
  SourceNotFoundError, SourcesRepository, type StoredCalendarMeeting, TxHost,
} from '@forewarn/database';
import { type IntegrationApp, integrationApp } from '../support/integration';

/** The gateway's repositories against a real PostgreSQL: every statement they own, as the gateway and the CLI use them. */
let it_: IntegrationApp;
let sources: SourcesRepository;
let feeds: CalendarFeedsRepository;

beforeAll(async () => {
  it_ = await integrationApp('gateway-data', { imports: [GatewayDataModule] });
  sources = it_.app.get(SourcesRepository);
  feeds = it_.app.get(CalendarFeedsRepository);
});

afterAll(async () => {
  await it_?.close();
});

describe('SourcesRepository', () => {
  it('adds a source with what its kind allows, finds it by name and by key, and refuses a second of the same name', async () => {
    const { source, apiKey } = await sources.add('zendesk-eu', 'zendesk', 'signing-secret');
    expect(source).toEqual({ name: 'zendesk-eu', kind: 'zendesk', signingSecret: 'signing-secret', mapping: null, allow: ['cases'], settings: {} });
    expect(apiKey).toMatch(/^fw_src_/);
    expect(await sources.findByName('zendesk-eu')).toEqual(source);
    expect(await sources.findByApiKey(apiKey)).toEqual({ source, keyExpiresAt: null });
    expect(await sources.findByApiKey('fw_src_unknown')).toBeNull();
    expect(await sources.findByName('nobody')).toBeNull();
    await expect(sources.add('zendesk-eu', 'zendesk', null)).rejects.toBeInstanceOf(SourceExistsError);
    const [stored] = await it_.db.query("SELECT api_key_hash FROM gateway.sources WHERE name = 'zendesk-eu'");
    expect(stored.api_key_hash).not.toContain(apiKey);
  });

  it('adds Intercom and Salesforce sources with what their kinds allow, and keeps, lists and replaces a source\'s settings', async () => {
    expect((await sources.add('intercom', 'intercom', null)).source.allow).toEqual(['cases']);
    const settings = { organizationId: '00D5e000000KQ2eEAG', accountFields: { ownerEmail: 'Owner_Email__c' } };
    const { source } = await sources.add('salesforce-prod', 'salesforce', null, null, undefined, settings);
    expect(source).toMatchObject({ kind: 'salesforce', allow: ['cases', 'meetings', 'accounts'], settings });
    expect(await sources.findByName('salesforce-prod')).toMatchObject({ settings });
    expect((await sources.list()).find((s) => s.name === 'salesforce-prod')?.settings).toEqual(settings);
    expect((await sources.setSettings('salesforce-prod', { timezone: 'Europe/Berlin' })).settings).toEqual({ timezone: 'Europe/Berlin' });
    await expect(sources.setSettings('nobody', {})).rejects.toBeInstanceOf(SourceNotFoundError);
  });

  it('changes what a source may send and its mapping, and says when there is no such source', async () => {
    await sources.add('crm', 'mapped', null, '{ "type": "case.opened" }', ['cases', 'accounts']);
    expect((await sources.setAllow('crm', ['accounts'])).allow).toEqual(['accounts']);
    expect(await sources.setMapping('crm', '$')).toMatchObject({ name: 'crm', mapping: '$', allow: ['accounts'] });
    await expect(sources.setAllow('nobody', ['cases'])).rejects.toBeInstanceOf(SourceNotFoundError);
    await expect(sources.setMapping('nobody', '$')).rejects.toBeInstanceOf(SourceNotFoundError);
  });

  it('rotates a key with a grace period for the old one, ends that grace at the next rotation, and rotates without one', async () => {
    const { apiKey: first } = await sources.add('rotating', 'events', null);
    const second = await sources.rotateKey('rotating', 3_600_000);
    expect(second.previousKeyValidUntil!.getTime()).toBeGreaterThan(Date.now() + 3_500_000);
    expect(await sources.findByApiKey(first)).toEqual({ source: second.source, keyExpiresAt: second.previousKeyValidUntil });
    expect((await sources.findByApiKey(second.apiKey))?.keyExpiresAt).toBeNull();
    const third = await sources.rotateKey('rotating', 0);
    expect(third.previousKeyValidUntil).toBeNull();
    expect([await sources.findByApiKey(first), await sources.findByApiKey(second.apiKey)]).toEqual([null, null]);
    expect((await sources.findByApiKey(third.apiKey))?.source.name).toBe('rotating');
    await expect(sources.rotateKey('nobody', 0)).rejects.toBeInstanceOf(SourceNotFoundError);
  });

  it('lists sources without keys or secrets, with the state of their keys', async () => {
    await sources.add('listed', 'jira', 'secret');
    await sources.rotateKey('listed', 60_000);
    const listed = (await sources.list()).find((s) => s.name === 'listed');
    expect(listed).toEqual({
      name: 'listed', kind: 'jira', allow: ['cases'], created: expect.any(String), signed: true, hasMapping: false, settings: {},
      key: { rotatedAt: expect.any(String), previousKeyValidUntil: expect.any(String) },
    });
    expect(JSON.stringify(await sources.list())).not.toContain('secret');
  });

  it('removes a source: its keys stop working', async () => {
    const { apiKey } = await sources.add('leaving', 'freshdesk', null);
    expect(await sources.remove('leaving')).toMatchObject({ name: 'leaving', kind: 'freshdesk' });
    expect(await sources.findByApiKey(apiKey)).toBeNull();
    await expect(sources.remove('leaving')).rejects.toBeInstanceOf(SourceNotFoundError);
  });

  it('creates the demo source, or gives it a new key that replaces the old one at once, keeping its signing secret', async () => {
    const created = await sources.addOrRotate('demo', 'events');
    await it_.db.query("UPDATE gateway.sources SET signing_secret = 'kept' WHERE name = 'demo'");
    const again = await sources.addOrRotate('demo', 'events');
    expect(again.source.signingSecret).toBe('kept');
    expect([await sources.findByApiKey(created.apiKey), (await sources.findByApiKey(again.apiKey))?.source.name]).toEqual([null, 'demo']);
  });

  it('joins the unit of work it is called in: a change and its audit entry are kept together or not at all', async () => {
    const txHost = it_.app.get(TxHost);
    const audit = it_.app.get(AuditLog);
    const change = (name: string, fail: boolean) => txHost.withTransaction(async () => {
      await sources.add(name, 'events', null);
      await audit.record({ actor: 'cli:test', action: 'source.added', target: name });
      if (fail) throw new Error('failed after both writes');
    });
    await change('kept', false);
    await expect(change('rolled-back', true)).rejects.toThrow('failed after both writes');
    expect([await sources.findByName('kept'), await sources.findByName('rolled-back')].map((s) => s?.name ?? null)).toEqual(['kept', null]);
    expect((await audit.list({ action: 'source.added' })).map((e) => e.target)).toEqual(['kept']);
  });
});

describe('CalendarFeedsRepository', () => {
  const meeting = (meetingId: string, accountId: string, extra: Partial<StoredCalendarMeeting> = {}): StoredCalendarMeeting => ({
    meetingId, accountId, uid: `${meetingId}@calendar`, recurrence: null, fingerprint: 'f1', revision: 1, startsAt: '2030-01-08T10:00:00.000Z', cancelled: false, meeting: { title: meetingId }, ...extra,
  });

  it('adds a feed due at once, finds it by id or URL, and refuses the same URL twice naming the feed it has', async () => {
    const feed = await feeds.add('https://calendar.example/riley.ics', { ownerEmail: 'riley@sales.example', intervalMinutes: 15 });
    expect(feed).toMatchObject({ url: 'https://calendar.example/riley.ics', ownerEmail: 'riley@sales.example', team: null, intervalMinutes: 15, lastPolledAt: null, lastStatus: null, removedAt: null, allowInternal: false });
    expect(feed.nextPollAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect((await feeds.find(feed.id))?.url).toBe(feed.url);
    expect((await feeds.find(feed.url))?.id).toBe(feed.id);
    expect(await feeds.find('nothing')).toBeNull();
    await expect(feeds.add(feed.url, { intervalMinutes: 5 })).rejects.toEqual(new CalendarFeedExistsError(feed.url, feed.id));
  });

  it('goes through a poll cycle: due, recorded with its text and validators, its meetings saved; a failed poll keeps them', async () => {
    const feed = await feeds.add('https://calendar.example/team.ics', { team: 'enterprise', intervalMinutes: 30 });
    const now = new Date(Date.now() + 1_000);
    expect((await feeds.due(now)).map((f) => f.id)).toContain(feed.id);
    const nextPollAt = new Date(Date.now() + 30 * 60_000);
    await it_.app.get(TxHost).withTransaction(async () => {
      await feeds.saveMeetings(feed.id, [meeting('m1', 'acme'), meeting('m2', 'globex')], []);
      await feeds.recordPoll(feed.id, { status: 'ok', etag: '"v1"', lastModified: 'Tue, 07 Jan 2025 10:00:00 GMT', body: 'BEGIN:VCALENDAR', nextPollAt });
    });
    expect((await feeds.due(now)).map((f) => f.id)).not.toContain(feed.id);
    expect(await feeds.find(feed.id)).toMatchObject({ etag: '"v1"', lastStatus: 'ok', lastError: null, nextPollAt });
    expect(await feeds.body(feed.id)).toBe('BEGIN:VCALENDAR');
    expect((await feeds.meetings(feed.id)).sort((a, b) => a.meetingId.localeCompare(b.meetingId))).toEqual([meeting('m1', 'acme'), meeting('m2', 'globex')]);

    await feeds.saveMeetings(feed.id, [meeting('m1', 'acme', { revision: 2, cancelled: true })], [{ meetingId: 'm2', accountId: 'globex' }]);
    expect(await feeds.meetings(feed.id)).toEqual([meeting('m1', 'acme', { revision: 2, cancelled: true })]);
    await feeds.recordPoll(feed.id, { status: 'error', error: 'the feed answered 500', nextPollAt: now });
    expect(await feeds.find(feed.id)).toMatchObject({ etag: '"v1"', lastStatus: 'error', lastError: 'the feed answered 500' });
    expect(await feeds.body(feed.id)).toBe('BEGIN:VCALENDAR');
  });

  it('lists feeds oldest first with their meetings that stand; refreshes and removes by id or URL', async () => {
    const feed = await feeds.add('https://calendar.example/listed.ics', { intervalMinutes: 60 });
    await feeds.saveMeetings(feed.id, [meeting('a', 'acme'), meeting('b', 'acme', { cancelled: true })], []);
    await feeds.recordPoll(feed.id, { status: 'not_modified', nextPollAt: new Date(Date.now() + 3_600_000) });
    const listed = await feeds.list();
    expect(listed.map((f) => f.createdAt.getTime())).toEqual([...listed.map((f) => f.createdAt.getTime())].sort((a, b) => a - b));
    expect(listed.find((f) => f.id === feed.id)?.meetings).toBe(1);
    expect((await feeds.refresh(feed.url)).nextPollAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect((await feeds.remove(feed.id)).removedAt).toBeInstanceOf(Date);
    await expect(feeds.refresh('nothing')).rejects.toBeInstanceOf(CalendarFeedNotFoundError);
    await feeds.delete(feed.id);
    expect(await feeds.find(feed.id)).toBeNull();
    expect(await it_.db.query('SELECT 1 FROM gateway.calendar_meetings WHERE feed_id = $1', [feed.id])).toEqual([]);
  });

  it('hands out at most `limit` due feeds, the longest due first', async () => {
    const due = await feeds.due(new Date(Date.now() + 3_600_000), 2);
    expect(due).toHaveLength(2);
    expect(due[0].nextPollAt.getTime()).toBeLessThanOrEqual(due[1].nextPollAt.getTime());
  });
});

describe('AccountDomainsReadModel', () => {
  it('finds the accounts of the domains asked about, through account-health\'s view', async () => {
    await it_.db.query(
      `INSERT INTO health.accounts (id, name, domains, owner_email, source_time) VALUES
         ('acme', 'Acme', '{acme.com,acme.io}', 'riley@sales.example', now()), ('acme-eu', 'Acme EU', '{acme.com}', 'riley@sales.example', now()), ('globex', 'Globex', '{globex.io}', 'riley@sales.example', now())`,
    );
    const byDomain = await it_.app.get(AccountDomainsReadModel).accountsByDomain(['acme.com', 'globex.io', 'unknown.example']);
    expect(Object.fromEntries(byDomain)).toEqual({ 'acme.com': ['acme', 'acme-eu'], 'globex.io': ['globex'] });
    expect((await it_.app.get(AccountDomainsReadModel).accountsByDomain([])).size).toBe(0);
  });
});
