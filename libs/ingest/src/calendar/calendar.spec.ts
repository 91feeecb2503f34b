import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { calendarDomains, domainCandidates, planCalendarSync, type PublishedMeeting } from './calendar-sync';
import { CalendarParseError, CalendarTooLargeError, calendarMeetingId, type CalendarOccurrence, expandCalendar, guessMeetingKind, zonedTimeToUtc } from './ical-feed';

const ICS = readFileSync(join(__dirname, 'fixtures', 'riley-calendar.ics'), 'utf8');
const now = new Date('2025-03-03T08:00:00Z');
const window = { from: now, to: new Date(now.getTime() + 30 * 86_400_000) };

describe('iCalendar feeds', () => {
  const occurrences = expandCalendar(ICS, window);
  const byTitle = (title: string) => occurrences.filter((o) => o.title === title);

  it('converts named zones to UTC, with or without a VTIMEZONE, and keeps dates as dates', () => {
    expect(byTitle('Acme renewal discussion')).toEqual([
      expect.objectContaining({ uid: '7kukuqrfedlm2f9t4vr7jm5l2a@google.com', recurrenceId: null, startsAt: '2025-03-05T15:00:00.000Z', endsAt: '2025-03-05T16:00:00.000Z', cancelled: false, inWindow: true }),
    ]);
    // An Outlook (Windows) zone name, defined by the feed's VTIMEZONE: 15:00 in Berlin in March is 14:00 UTC.
    expect(byTitle('Initech Q1 QBR')[0]).toMatchObject({ startsAt: '2025-03-06T14:00:00.000Z', organizer: { name: 'Lena Vogel', email: 'lena.vogel@initech.de' } });
    expect(byTitle('Team offsite')[0]).toMatchObject({ startsAt: '2025-03-07T00:00:00.000Z', allDay: true });
  });

  it('reads people: CN as name (not when it is the address), addresses lower-cased, rooms left out', () => {
    expect(byTitle('Acme renewal discussion')[0]).toMatchObject({
      organizer: { name: 'Riley Chen', email: 'riley@sales.example' },
      attendees: [{ name: 'Dana Lee', email: 'dana.lee@acme.com' }, { email: 'riley@sales.example' }],
    });
  });

  it('expands a weekly series across a DST change, with EXDATE, a moved and a cancelled occurrence', () => {
    const series = occurrences.filter((o) => o.uid === 'weekly-globex-sync@google.com');
    expect(series.map((o) => [o.recurrenceId, o.startsAt, o.title, o.cancelled, o.inWindow])).toEqual([
      ['2025-03-03T19:00:00.000Z', '2025-03-03T19:00:00.000Z', 'Globex weekly sync', false, true],
      // Moved by a RECURRENCE-ID exception: the recurrence id stays the original start.
      ['2025-03-10T18:00:00.000Z', '2025-03-11T13:00:00.000Z', 'Globex weekly sync (moved)', false, true],
      // 17 March is an EXDATE.
      ['2025-03-24T18:00:00.000Z', '2025-03-24T18:00:00.000Z', 'Globex weekly sync', true, true],
      ['2025-03-31T18:00:00.000Z', '2025-03-31T18:00:00.000Z', 'Globex weekly sync', false, true],
      ['2025-04-07T18:00:00.000Z', '2025-04-07T18:00:00.000Z', 'Globex weekly sync', false, false],
      ['2025-04-14T18:00:00.000Z', '2025-04-14T18:00:00.000Z', 'Globex weekly sync', false, false],
      ['2025-04-21T18:00:00.000Z', '2025-04-21T18:00:00.000Z', 'Globex weekly sync', false, false],
    ]);
    expect(series[1].attendees).toEqual([{ name: 'Sam Ortiz', email: 'sam@eu.globex.io' }]);
  });

  it('keeps STATUS:CANCELLED, skips events without a UID, and leaves out what is far outside the window', () => {
    expect(byTitle('Umbrella product demo')[0]).toMatchObject({ cancelled: true });
    expect(occurrences.some((o) => o.title?.startsWith('No UID'))).toBe(false);
    expect(byTitle('Acme pricing proposal')).toEqual([]);
    expect(expandCalendar(ICS, { ...window, marginDays: 120 }).find((o) => o.title === 'Acme pricing proposal')).toMatchObject({ inWindow: false });
  });

  it('refuses what is not iCalendar', () => {
    expect(() => expandCalendar('<html>login</html>', window)).toThrow(CalendarParseError);
    expect(() => expandCalendar('BEGIN:VCARD\nVERSION:4.0\nFN:x\nEND:VCARD', window)).toThrow(/not VCALENDAR/);
  });

  it('refuses a feed with more events than the limit, and one whose events repeat too often', () => {
    const count = new Set(occurrences.map((o) => o.uid)).size;
    expect(() => expandCalendar(ICS, { ...window, maxEvents: 2 })).toThrow(CalendarTooLargeError);
    expect(() => expandCalendar(ICS, { ...window, maxEvents: 2 })).toThrow(/^the feed has \d+ events, more than the limit of 2$/);
    expect(expandCalendar(ICS, { ...window, maxEvents: 5_000 })).toHaveLength(occurrences.length);
    expect(count).toBeGreaterThan(2);
    const everyMinute = ['BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'UID:spam@example.com', 'DTSTART:20250303T080000Z', 'RRULE:FREQ=MINUTELY', 'SUMMARY:Spam', 'END:VEVENT', 'END:VCALENDAR'].join('\r\n');
    expect(() => expandCalendar(everyMinute, { ...window, maxEvents: 100 })).toThrow(/occur more than 1000 times around the window/);
  });

  it('guesses the meeting kind from the title', () => {
    expect(['Acme renewal discussion', 'Initech Q1 QBR', 'Quarterly business review', 'Pricing proposal', 'Product demo for ops', 'Weekly sync', null].map(guessMeetingKind))
      .toEqual(['renewal', 'qbr', 'qbr', 'proposal', 'demo', 'other', 'other']);
  });

  it('converts wall-clock time in a zone to UTC around DST changes', () => {
    expect(new Date(zonedTimeToUtc({ year: 2025, month: 3, day: 9, hour: 1, minute: 30, second: 0 }, 'America/New_York')).toISOString()).toBe('2025-03-09T06:30:00.000Z');
    expect(new Date(zonedTimeToUtc({ year: 2025, month: 3, day: 9, hour: 3, minute: 30, second: 0 }, 'America/New_York')).toISOString()).toBe('2025-03-09T07:30:00.000Z');
    expect(new Date(zonedTimeToUtc({ year: 2025, month: 7, day: 1, hour: 12, minute: 0, second: 0 }, 'Asia/Kolkata')).toISOString()).toBe('2025-07-01T06:30:00.000Z');
  });
});

describe('calendar sync: what a poll publishes', () => {
  const accountsByDomain = new Map([['acme.com', ['acme']], ['globex.io', ['globex']], ['initech.de', ['initech']], ['umbrella-payments.com', ['umbrella']], ['sales.example', ['us-ourselves']]]);
  const base = { feedId: 'f1', accountsByDomain, internalDomains: ['sales.example'], now };
  const first = planCalendarSync({ ...base, occurrences: expandCalendar(ICS, window), previous: [] });
  const meetingsOf = (plan: typeof first, account: string) => plan.events.filter((e) => (e.data as { account: { id: string } }).account.id === account);

  it('schedules the meetings of accounts whose domains attend, with kinds and stable ids', () => {
    expect(first.counts).toEqual({ scheduled: 5, updated: 0, cancelled: 0 });
    expect(meetingsOf(first, 'acme')).toEqual([
      expect.objectContaining({
        type: 'forewarn.meeting.scheduled', source: '/calendars/f1', time: now.toISOString(),
        data: { account: { id: 'acme' }, meeting: expect.objectContaining({ id: calendarMeetingId('f1', '7kukuqrfedlm2f9t4vr7jm5l2a@google.com', null), kind: 'renewal', startsAt: '2025-03-05T15:00:00.000Z', title: 'Acme renewal discussion' }) },
      }),
    ]);
    // eu.globex.io belongs to the account with globex.io; three occurrences in the window are not cancelled.
    expect(meetingsOf(first, 'globex').map((e) => (e.data as { meeting: { startsAt: string } }).meeting.startsAt)).toEqual(['2025-03-03T19:00:00.000Z', '2025-03-11T13:00:00.000Z', '2025-03-31T18:00:00.000Z']);
    expect(meetingsOf(first, 'initech')[0].data).toMatchObject({ meeting: { kind: 'qbr' } });
    // Cancelled before it was ever published, and our own domain is never a customer.
    expect(meetingsOf(first, 'umbrella')).toEqual([]);
    expect(meetingsOf(first, 'us-ourselves')).toEqual([]);
    expect(new Set(first.events.map((e) => e.id)).size).toBe(first.events.length);
    expect(first.save).toHaveLength(5);
  });

  it('publishes nothing when nothing changed', () => {
    const again = planCalendarSync({ ...base, occurrences: expandCalendar(ICS, window), previous: first.save });
    expect(again).toEqual({ events: [], save: [], forget: [], counts: { scheduled: 0, updated: 0, cancelled: 0 } });
  });

  it('publishes a moved meeting as updated, a cancelled one and one gone from the feed as cancelled', () => {
    const changed = ICS
      .replace('DTSTART;TZID=America/New_York:20250305T100000', 'DTSTART;TZID=America/New_York:20250306T160000')
      .replace('DTEND;TZID=America/New_York:20250305T110000', 'DTEND;TZID=America/New_York:20250306T170000')
      .replace('SUMMARY:Initech Q1 QBR', 'SUMMARY:Initech Q1 QBR\nSTATUS:CANCELLED')
      .replace(/BEGIN:VEVENT\nDTSTART;TZID=America\/New_York:20250311T090000[\s\S]*?END:VEVENT\n/, '');
    const later = new Date(now.getTime() + 3_600_000);
    const plan = planCalendarSync({ ...base, now: later, occurrences: expandCalendar(changed, window), previous: first.save });
    expect(plan.counts).toEqual({ scheduled: 0, updated: 2, cancelled: 1 });
    const acme = meetingsOf(plan, 'acme')[0];
    expect(acme).toMatchObject({ type: 'forewarn.meeting.updated', time: later.toISOString(), data: { meeting: { startsAt: '2025-03-06T21:00:00.000Z' } } });
    expect(acme.data).toMatchObject({ meeting: { id: (meetingsOf(first, 'acme')[0].data as { meeting: { id: string } }).meeting.id } });
    expect(meetingsOf(plan, 'initech')[0]).toMatchObject({ type: 'forewarn.meeting.cancelled' });
    // Without its exception, the moved occurrence of the weekly series is back at its original time.
    expect(meetingsOf(plan, 'globex')[0]).toMatchObject({ type: 'forewarn.meeting.updated', data: { meeting: { startsAt: '2025-03-10T18:00:00.000Z' } } });
    expect(plan.events.map((e) => e.id).some((id) => first.events.some((f) => f.id === id))).toBe(false);

    const gone = planCalendarSync({ ...base, now: later, occurrences: expandCalendar(changed.replace(/BEGIN:VEVENT\nDTSTART;TZID=America\/New_York:20250306T160000[\s\S]*?END:VEVENT\n/, ''), window), previous: [...first.save.filter((r) => r.accountId === 'acme')] });
    expect(meetingsOf(gone, 'acme')).toEqual([expect.objectContaining({ type: 'forewarn.meeting.cancelled', data: expect.objectContaining({ account: { id: 'acme' } }) })]);
    expect(gone.save.find((r) => r.accountId === 'acme')).toMatchObject({ cancelled: true, revision: 2 });
  });

  it('reschedules a cancelled meeting that comes back, and forgets meetings that are over', () => {
    const row = first.save.find((r) => r.accountId === 'acme') as PublishedMeeting;
    const cancelled = { ...row, cancelled: true, fingerprint: 'x', revision: 2 };
    const back = planCalendarSync({ ...base, occurrences: expandCalendar(ICS, window), previous: [cancelled] });
    expect(back.events.filter((e) => e.type !== 'forewarn.meeting.scheduled' || (e.data as { account: { id: string } }).account.id === 'acme')).toEqual([expect.objectContaining({ type: 'forewarn.meeting.scheduled' })]);
    expect(back.save.find((r) => r.accountId === 'acme')).toMatchObject({ revision: 3, cancelled: false });

    const afterwards = new Date('2025-03-07T00:00:00Z');
    const over = planCalendarSync({ ...base, now: afterwards, occurrences: expandCalendar(ICS, { from: afterwards, to: new Date(afterwards.getTime() + 30 * 86_400_000) }), previous: first.save });
    expect(over.forget).toEqual(expect.arrayContaining([{ meetingId: row.meetingId, accountId: 'acme' }]));
    expect(over.events.some((e) => (e.data as { account: { id: string } }).account.id === 'acme')).toBe(false);
  });

  it('a meeting attended by two accounts is a meeting of each, with events of their own', () => {
    const shared = ICS.replace('ATTENDEE;CN=Riley Chen:mailto:riley@sales.example\nSUMMARY:Initech Q1 QBR', 'ATTENDEE;CN=Dana:mailto:dana@acme.com\nSUMMARY:Initech Q1 QBR');
    const plan = planCalendarSync({ ...base, occurrences: expandCalendar(shared, window), previous: [] });
    const qbr = plan.events.filter((e) => (e.data as { meeting: { title?: string } }).meeting.title === 'Initech Q1 QBR');
    expect(qbr.map((e) => (e.data as { account: { id: string } }).account.id)).toEqual(['acme', 'initech']);
    expect(qbr[0].id).not.toBe(qbr[1].id);
  });

  it('looks up attendee domains and their parents, not public mailboxes or our own', () => {
    expect(domainCandidates('eu.mail.globex.io')).toEqual(['eu.mail.globex.io', 'mail.globex.io', 'globex.io']);
    const occurrence = { organizer: { email: 'riley@sales.example' }, attendees: [{ email: 'x@gmail.com' }, { email: 'sam@eu.globex.io' }] } as CalendarOccurrence;
    expect(calendarDomains([occurrence], ['sales.example'])).toEqual(['eu.globex.io', 'globex.io']);
  });
});
