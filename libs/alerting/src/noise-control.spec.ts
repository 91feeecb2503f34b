import { type DeliveryMemory, DEFAULT_PREFERENCES, digestDay, quietHoursEnd, sendTime, suppressionFor } from './noise-control';

const now = new Date('2026-11-25T10:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
const nothingYet: DeliveryMemory = { lastSent: null, acknowledged: null, snoozed: null };
const headsUp = (state: 'watch' | 'at_risk' | 'firestorm') => ({ kind: 'heads-up' as const, state, meetingAt: null });

describe('noise control: a rep hears about each state once', () => {
  it('mails the first heads-up', () => {
    expect(suppressionFor(headsUp('at_risk'), nothingYet, now)).toBeNull();
  });

  it('does not repeat the same state within the repeat interval', () => {
    const memory = { ...nothingYet, lastSent: { kind: 'heads-up' as const, state: 'at_risk' as const, at: hoursAgo(3) } };
    expect(suppressionFor(headsUp('at_risk'), memory, now)).toBe('repeat');
    expect(suppressionFor(headsUp('watch'), memory, now)).toBe('repeat');
  });

  it('repeats after the interval, and at once when it got worse', () => {
    const memory = { ...nothingYet, lastSent: { kind: 'heads-up' as const, state: 'at_risk' as const, at: hoursAgo(25) } };
    expect(suppressionFor(headsUp('at_risk'), memory, now)).toBeNull();
    const recent = { ...nothingYet, lastSent: { kind: 'heads-up' as const, state: 'at_risk' as const, at: hoursAgo(1) } };
    expect(suppressionFor(headsUp('firestorm'), recent, now)).toBeNull();
  });

  it('honours an acknowledgement until it gets worse', () => {
    const memory = { ...nothingYet, acknowledged: { state: 'at_risk' as const, at: hoursAgo(48) } };
    expect(suppressionFor(headsUp('at_risk'), memory, now)).toBe('acknowledged');
    expect(suppressionFor(headsUp('firestorm'), memory, now)).toBeNull();
  });

  it('honours a snooze until it runs out or the account gets worse', () => {
    const snoozed = { ...nothingYet, snoozed: { state: 'at_risk' as const, until: new Date(now.getTime() + 3_600_000) } };
    expect(suppressionFor(headsUp('watch'), snoozed, now)).toBe('snoozed');
    expect(suppressionFor(headsUp('firestorm'), snoozed, now)).toBeNull();
    const over = { ...nothingYet, snoozed: { state: 'at_risk' as const, until: hoursAgo(1) } };
    expect(suppressionFor(headsUp('at_risk'), over, now)).toBeNull();
  });

  it('gives the all-clear only to someone who was told something', () => {
    const allClear = { kind: 'all-clear' as const, state: 'healthy' as const, meetingAt: null };
    expect(suppressionFor(allClear, nothingYet, now)).toBe('never-told');
    expect(suppressionFor(allClear, { ...nothingYet, lastSent: { kind: 'heads-up', state: 'watch', at: hoursAgo(1) } }, now)).toBeNull();
    expect(suppressionFor(allClear, { ...nothingYet, lastSent: { kind: 'all-clear', state: 'healthy', at: hoursAgo(1) } }, now)).toBe('never-told');
  });

  it('never holds back a briefing or a digest', () => {
    const memory = { lastSent: { kind: 'heads-up' as const, state: 'firestorm' as const, at: hoursAgo(1) }, acknowledged: { state: 'firestorm' as const, at: hoursAgo(1) }, snoozed: null };
    expect(suppressionFor({ kind: 'briefing', state: 'at_risk', meetingAt: null }, memory, now)).toBeNull();
    expect(suppressionFor({ kind: 'digest', state: 'at_risk', meetingAt: null }, memory, now)).toBeNull();
  });
});

describe('quiet hours in the recipient’s time zone', () => {
  const quiet = { start: '20:00', end: '07:00' };

  it('holds a mail due at night until the morning', () => {
    // 22:30 in Berlin (UTC+1 in November) → 07:00 Berlin = 06:00 UTC.
    expect(quietHoursEnd(new Date('2026-11-25T21:30:00Z'), quiet, 'Europe/Berlin')).toEqual(new Date('2026-11-26T06:00:00Z'));
    expect(quietHoursEnd(new Date('2026-11-26T05:59:00Z'), quiet, 'Europe/Berlin')).toEqual(new Date('2026-11-26T06:00:00Z'));
  });

  it('lets daytime mail through', () => {
    expect(quietHoursEnd(new Date('2026-11-25T10:00:00Z'), quiet, 'Europe/Berlin')).toBeNull();
    expect(quietHoursEnd(new Date('2026-11-25T10:00:00Z'), null, 'Europe/Berlin')).toBeNull();
  });

  it('handles a window within one day and daylight-saving changes', () => {
    expect(quietHoursEnd(new Date('2026-11-25T12:30:00Z'), { start: '12:00', end: '13:00' }, 'UTC')).toEqual(new Date('2026-11-25T13:00:00Z'));
    // The night Berlin leaves summer time (25 Oct 2026): 23:00 CEST → 07:00 CET = 06:00 UTC.
    expect(quietHoursEnd(new Date('2026-10-24T21:00:00Z'), quiet, 'Europe/Berlin')).toEqual(new Date('2026-10-25T06:00:00Z'));
  });

  it('holds a heads-up at night but not a firestorm or a meeting within hours', () => {
    const night = new Date('2026-11-25T21:30:00Z');
    expect(sendTime(night, headsUp('at_risk'), DEFAULT_PREFERENCES, 'Europe/Berlin', night)).toEqual({ dueAt: new Date('2026-11-26T06:00:00Z'), held: true });
    expect(sendTime(night, headsUp('firestorm'), DEFAULT_PREFERENCES, 'Europe/Berlin', night)).toEqual({ dueAt: night, held: false });
    const meetingSoon = { ...headsUp('at_risk'), meetingAt: new Date('2026-11-26T01:00:00Z') };
    expect(sendTime(night, meetingSoon, DEFAULT_PREFERENCES, 'Europe/Berlin', night)).toEqual({ dueAt: night, held: false });
  });
});

describe('the daily digest goes out at a fixed local time', () => {
  it('is due once the digest hour has come in the reader’s zone', () => {
    expect(digestDay(new Date('2026-11-25T06:59:00Z'), 'Europe/Berlin', 8)).toBeNull();
    expect(digestDay(new Date('2026-11-25T07:00:00Z'), 'Europe/Berlin', 8)).toBe('2026-11-25');
    expect(digestDay(new Date('2026-11-25T15:00:00Z'), 'America/Los_Angeles', 8)).toBeNull();
    expect(digestDay(new Date('2026-11-25T23:30:00Z'), 'Asia/Tokyo', 8)).toBe('2026-11-26');
  });
});
