import { parseAuditTime } from './audit-time';

const now = new Date('2026-03-10T12:00:00Z');

describe('when the audit log should start', () => {
  it('takes an ISO date as midnight UTC, and a date and time with or without a zone', () => {
    expect(parseAuditTime('2026-01-31', now)?.toISOString()).toBe('2026-01-31T00:00:00.000Z');
    expect(parseAuditTime('2026-01-31T09:30:00Z', now)?.toISOString()).toBe('2026-01-31T09:30:00.000Z');
    expect(parseAuditTime('2026-01-31T09:30+01:00', now)?.toISOString()).toBe('2026-01-31T08:30:00.000Z');
    expect(parseAuditTime('2026-01-31 09:30', now)?.toISOString()).toBe('2026-01-31T09:30:00.000Z');
  });

  it('takes a span back from now', () => {
    expect(parseAuditTime('30m', now)?.toISOString()).toBe('2026-03-10T11:30:00.000Z');
    expect(parseAuditTime('24h', now)?.toISOString()).toBe('2026-03-09T12:00:00.000Z');
    expect(parseAuditTime('7d', now)?.toISOString()).toBe('2026-03-03T12:00:00.000Z');
  });

  it('refuses anything else rather than guessing', () => {
    for (const bad of ['yesterday', '2026-02-30', '2026-02-30T10:00Z', '2026-13-01', '31.01.2026', '7w', '', '1700000000']) expect(parseAuditTime(bad, now)).toBeNull();
  });
});
