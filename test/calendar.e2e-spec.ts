import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CalendarFeedsRepository, GatewayDataModule } from '@forewarn/database';
import { Client } from 'pg';
import { type Bus, startBus } from './support/bus';
import { runCli } from './support/cli';
import { withRepositories } from './support/repositories';
import { eventually, sleep } from './support/services';

/**
 * Meetings from calendars: an iCalendar feed served by a test HTTP server, registered with
 * `forewarn calendar add`, polled by the real gateway (advisory lock, ETag), expanded and matched
 * to accounts by attendee domains, through Kafka and account-health into health.meetings; then
 * the feed changes (a meeting moves, one is cancelled, one disappears) and the meetings follow.
 */
describe('calendar feeds: customer meetings from iCalendar', () => {
  let bus: Bus;
  let server: Server;
  let feedUrl: string;
  let feedId: string;
  const T = Date.now().toString(36);
  const acme = `acme-${T}`;
  const globex = `globex-${T}`;
  const CALENDAR_LOCK = 4_711_201;
  const requests: { ifNoneMatch: string | null; status: number; path?: string }[] = [];
  let ics = '';

  const DAY = 86_400_000;
  const today = new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z').getTime();
  /** A UTC time `days` from today at `hour`:00. */
  const at = (days: number, hour: number) => new Date(today + days * DAY + hour * 3_600_000);
  const icsTime = (date: Date) => date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const vevent = (fields: Record<string, string | string[]>) => [
    'BEGIN:VEVENT',
    ...Object.entries(fields).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => `${k}${x}`) : [`${k}${v}`])),
    'END:VEVENT',
  ].join('\r\n');
  const calendar = (events: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Forewarn tests//EN', 'METHOD:PUBLISH', ...events, 'END:VCALENDAR', ''].join('\r\n');

  const renewal = (start: Date) => vevent({
    'UID:': `renewal-${T}@calendar.test`, 'DTSTAMP:': icsTime(new Date()), 'DTSTART:': icsTime(start), 'DTEND:': icsTime(new Date(start.getTime() + 3_600_000)),
    'SUMMARY:': 'Acme renewal discussion', 'ORGANIZER;CN=Riley Chen:mailto:': 'riley@sales.example',
    'ATTENDEE;CN=Dana Lee;PARTSTAT=ACCEPTED:mailto:': ['dana.lee@acme.com'], 'ATTENDEE;CN=Riley Chen;PARTSTAT=ACCEPTED:mailto:': ['riley@sales.example'],
  });
  const demo = (status: string) => vevent({
    'UID:': `demo-${T}@calendar.test`, 'DTSTAMP:': icsTime(new Date()), 'DTSTART:': icsTime(at(3, 16)), 'DTEND:': icsTime(at(3, 17)), 'STATUS:': status,
    'SUMMARY:': 'Acme product demo', 'ORGANIZER;CN=Riley Chen:mailto:': 'riley@sales.example', 'ATTENDEE;CN=Ops:MAILTO:': ['OPS@acme.com'],
  });
  const qbr = vevent({
    'UID:': `qbr-${T}@calendar.test`, 'DTSTAMP:': icsTime(new Date()), 'DTSTART:': icsTime(at(5, 13)), 'DTEND:': icsTime(at(5, 14)),
    'SUMMARY:': 'Acme QBR', 'ATTENDEE;CN=Dana Lee:mailto:': ['dana.lee@acme.com'],
  });
  // Weekly, four times, with a Globex person on a subdomain; a meeting room is not an attendee.
  const weekly = vevent({
    'UID:': `weekly-${T}@calendar.test`, 'DTSTAMP:': icsTime(new Date()), 'DTSTART:': icsTime(at(2, 9)), 'DTEND:': icsTime(at(2, 10)), 'RRULE:': 'FREQ=WEEKLY;COUNT=4',
    'SUMMARY:': 'Globex weekly sync', 'ORGANIZER;CN=Riley Chen:mailto:': 'riley@sales.example',
    'ATTENDEE;CN=Sam Ortiz:mailto:': ['sam@eu.globex.io'], 'ATTENDEE;CUTYPE=ROOM;CN=Hudson:mailto:': ['hudson@resource.sales.example'],
  });
  const internal = vevent({
    'UID:': `internal-${T}@calendar.test`, 'DTSTAMP:': icsTime(new Date()), 'DTSTART:': icsTime(at(1, 8)), 'SUMMARY:': 'Pipeline review',
    'ATTENDEE:mailto:': ['riley@sales.example', 'morgan@sales.example', 'someone@gmail.com'],
  });

  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { ...bus.env, FOREWARN_OUTBOUND_ALLOW_HOSTS: '127.0.0.1', ...env });

  type MeetingRow = { account_id: string; id: string; title: string; starts_at: Date; kind: string; cancelled: boolean; attendees: { email?: string }[] };
  const meetings = async (accountId: string): Promise<MeetingRow[]> =>
    bus.database.db.query('SELECT account_id, id, title, starts_at, kind, cancelled, attendees FROM health.meetings WHERE account_id = $1 ORDER BY starts_at, id', [accountId]);
  const feedStatus = async () => (await bus.database.db.query('SELECT last_status, last_error, last_polled_at FROM gateway.calendar_feeds WHERE id = $1', [feedId]))[0] as { last_status: string | null; last_error: string | null; last_polled_at: Date | null };

  beforeAll(async () => {
    server = createServer((request, response) => {
      const etag = `"${createHash('sha1').update(ics).digest('hex')}"`;
      const ifNoneMatch = (request.headers['if-none-match'] as string | undefined) ?? null;
      if (ifNoneMatch === etag) {
        requests.push({ ifNoneMatch, status: 304 });
        response.writeHead(304, { etag });
        response.end();
        return;
      }
      requests.push({ ifNoneMatch, status: 200, path: request.url });
      response.writeHead(200, { 'content-type': 'text/calendar; charset=utf-8', etag });
      response.end(ics);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    feedUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/riley/basic.ics`;

    bus = await startBus('calendar', { GATEWAY_CALENDAR_TICK_MS: '300' }, ['account-health', 'gateway']);
    const crm = await bus.addSource('crm');
    const owner = { name: 'Riley Chen', email: 'riley@sales.example' };
    const upsert = (id: string, name: string, domains: string[]) => ({
      specversion: '1.0', id: `acct-${id}`, type: 'forewarn.account.upserted', time: new Date(Date.now() - 3_600_000).toISOString(), data: { id, name, domains, owner },
    });
    expect((await bus.postEvents(crm, [upsert(acme, 'Acme Corp', ['acme.com']), upsert(globex, 'Globex', ['globex.io'])])).status).toBe(202);
    await eventually('the accounts', async () => (await bus.database.db.query('SELECT id FROM health.accounts WHERE id = ANY($1)', [[acme, globex]])).length === 2);
  });

  afterAll(async () => {
    await bus?.stop();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('registers a feed and turns attended meetings into meetings of the right accounts, recurring ones expanded', async () => {
    ics = calendar([renewal(at(1, 15)), demo('CONFIRMED'), qbr, weekly, internal]);
    const added = await cli(['calendar', 'add', feedUrl, '--owner', 'riley@sales.example', '--team', 'enterprise', '--interval', '60']);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const feed = JSON.parse(added.stdout);
    expect(feed).toMatchObject({ url: feedUrl, owner: 'riley@sales.example', team: 'enterprise', intervalMinutes: 60, check: { events: 5, upcoming: 8 } });
    feedId = feed.id;

    const acmeMeetings = await eventually('Acme meetings', async () => ((await meetings(acme)).length === 3 ? meetings(acme) : null));
    expect(acmeMeetings.map((m) => [m.title, m.kind, m.starts_at.toISOString(), m.cancelled])).toEqual([
      ['Acme renewal discussion', 'renewal', at(1, 15).toISOString(), false],
      ['Acme product demo', 'demo', at(3, 16).toISOString(), false],
      ['Acme QBR', 'qbr', at(5, 13).toISOString(), false],
    ]);
    expect(acmeMeetings[0].attendees).toEqual([{ name: 'Dana Lee', email: 'dana.lee@acme.com' }, { name: 'Riley Chen', email: 'riley@sales.example' }]);

    const globexMeetings = await eventually('Globex meetings', async () => ((await meetings(globex)).length === 4 ? meetings(globex) : null));
    expect(globexMeetings.map((m) => m.starts_at.toISOString())).toEqual([at(2, 9), at(9, 9), at(16, 9), at(23, 9)].map((d) => d.toISOString()));
    expect(new Set(globexMeetings.map((m) => m.id)).size).toBe(4);
    expect(globexMeetings[0]).toMatchObject({ title: 'Globex weekly sync', kind: 'other', attendees: [{ name: 'Sam Ortiz', email: 'sam@eu.globex.io' }] });

    // The internal meeting belongs to no account; nothing is unmapped because of it.
    const calendarEvents: { account_id: string | null }[] = await bus.database.db.query(`SELECT account_id FROM health.events WHERE source = $1`, [`/calendars/${feedId}`]);
    expect(calendarEvents).toHaveLength(7);
    expect(calendarEvents.every((e) => e.account_id !== null)).toBe(true);
    expect(await feedStatus()).toMatchObject({ last_status: 'ok', last_error: null });
  });

  it('asks again with the ETag and publishes nothing when the feed did not change', async () => {
    const onTopic = await bus.messageCount(bus.topics.events);
    const before = requests.length;
    expect((await cli(['calendar', 'refresh', feedId])).code).toBe(0);
    await eventually('a conditional request', async () => requests.length > before);
    expect(requests[requests.length - 1]).toMatchObject({ status: 304, ifNoneMatch: expect.stringMatching(/^"[0-9a-f]{40}"$/) });
    await eventually('the poll to be recorded', async () => (await feedStatus()).last_status === 'not_modified');
    expect(await bus.messageCount(bus.topics.events)).toBe(onTopic);

    const listed = await cli(['calendar', 'list']);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id: feedId, lastStatus: 'not_modified', meetings: 7 })]);
  });

  it('follows the feed: a moved meeting is updated, a cancelled one and one that disappeared are cancelled', async () => {
    ics = calendar([renewal(at(4, 10)), demo('CANCELLED'), weekly, internal]);
    // While another gateway instance holds the poller's lock, this one does not poll.
    const holder = new Client({ connectionString: bus.database.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [CALENDAR_LOCK]);
      const polledAt = (await feedStatus()).last_polled_at;
      expect((await cli(['calendar', 'refresh', feedId])).code).toBe(0);
      await sleep(1_500);
      expect((await feedStatus()).last_polled_at).toEqual(polledAt);
      expect((await meetings(acme))[0].starts_at.toISOString()).toBe(at(1, 15).toISOString());
    } finally {
      await holder.query('SELECT pg_advisory_unlock($1)', [CALENDAR_LOCK]);
      await holder.end();
    }

    const changed = await eventually('the Acme meetings to follow the feed', async () => {
      const rows = await meetings(acme);
      return rows.filter((m) => m.cancelled).length === 2 ? rows : null;
    });
    const byTitle = Object.fromEntries(changed.map((m) => [m.title, m]));
    expect(byTitle['Acme renewal discussion']).toMatchObject({ cancelled: false });
    expect(byTitle['Acme renewal discussion'].starts_at.toISOString()).toBe(at(4, 10).toISOString());
    expect(byTitle['Acme product demo']).toMatchObject({ cancelled: true });
    expect(byTitle['Acme QBR']).toMatchObject({ cancelled: true });
    // The meeting kept its id: it moved, it is not a new meeting.
    expect(changed).toHaveLength(3);
    expect((await meetings(globex)).every((m) => !m.cancelled)).toBe(true);

    const types: { type: string }[] = await bus.database.db.query(`SELECT type FROM health.events WHERE source = $1 ORDER BY seq`, [`/calendars/${feedId}`]);
    expect(types.slice(7).map((t) => t.type).sort()).toEqual(['forewarn.meeting.cancelled', 'forewarn.meeting.cancelled', 'forewarn.meeting.updated']);
  });

  it('cancels the upcoming meetings of a removed feed and forgets it', async () => {
    expect((await cli(['calendar', 'remove', feedId])).code).toBe(0);
    await eventually('the Globex meetings to be cancelled', async () => (await meetings(globex)).every((m) => m.cancelled));
    await eventually('the feed to be forgotten', async () => (await bus.database.db.query('SELECT 1 FROM gateway.calendar_feeds WHERE id = $1', [feedId])).length === 0);
    const refused = await cli(['calendar', 'add', 'ftp://example.com/cal.ics']);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('must be http(s) or webcal') });
  });

  it('refuses a feed on an internal address unless an operator allows it, when added and when polled', async () => {
    const port = (server.address() as AddressInfo).port;
    const internalUrl = `http://localhost:${port}/internal/basic.ics`;
    // Without FOREWARN_OUTBOUND_ALLOW_HOSTS listing it, adding the feed is refused before anything is fetched or stored.
    const refused = await cli(['calendar', 'add', internalUrl], { FOREWARN_OUTBOUND_ALLOW_HOSTS: '' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`the calendar ${internalUrl} is not on the public internet (localhost is this machine); pass --allow-internal if this feed is on an internal host on purpose`);
    const loopback = await cli(['calendar', 'add', `http://127.0.0.2:${port}/x.ics`, '--no-check']);
    expect(loopback).toMatchObject({ code: 1, stderr: expect.stringContaining('(127.0.0.2 is a loopback address)') });
    expect(requests.some((r) => r.path?.startsWith('/internal'))).toBe(false);

    // A feed stored without the check (before this version): the gateway refuses it at poll time and says so.
    const old = await withRepositories(bus.database.url, [GatewayDataModule], (app) => app.get(CalendarFeedsRepository).add(`http://localhost:${port}/internal/old.ics`, { intervalMinutes: 60 }));
    const status = await eventually('the refusal to be recorded', async () => {
      const [row] = await bus.database.db.query('SELECT last_status, last_error FROM gateway.calendar_feeds WHERE id = $1', [old.id]);
      return row?.last_status === 'error' ? row : null;
    });
    expect(status.last_error).toBe(
      'could not fetch the feed: refused: the address is not on the public internet (localhost is this machine); register it with --allow-internal, or list its host in FOREWARN_OUTBOUND_ALLOW_HOSTS, if that is intended',
    );
    expect(requests.some((r) => r.path?.startsWith('/internal'))).toBe(false);

    // On purpose, with --allow-internal: stored with the feed, checked, and polled.
    const allowed = await cli(['calendar', 'add', internalUrl, '--allow-internal'], { FOREWARN_OUTBOUND_ALLOW_HOSTS: '' });
    expect(allowed.stderr).toBe('');
    const feed = JSON.parse(allowed.stdout);
    expect(feed).toMatchObject({ url: internalUrl, allowInternal: true, check: expect.any(Object) });
    await eventually('the internal feed to be polled', async () => {
      const [row] = await bus.database.db.query('SELECT last_status FROM gateway.calendar_feeds WHERE id = $1', [feed.id]);
      return row?.last_status === 'ok';
    });
    expect(requests.filter((r) => r.path === '/internal/basic.ics').length).toBeGreaterThanOrEqual(2);
  });
});
