import type { CaseSummary } from './account.types';
import { nextStep, situation } from './situation';

const now = new Date('2026-11-24T14:00:00Z'); // Tuesday
const tz = 'Europe/Berlin';
const renewal = { id: 'm1', title: 'Northwind renewal proposal', startsAt: '2026-11-25T10:00:00Z', kind: 'renewal' };
const openCase = (over: Partial<CaseSummary>): CaseSummary => ({
  id: 'ZD-1', title: 'Checkout payments failing', url: null, severity: 2, status: 'open', escalationLevel: 0, product: null, assignee: null,
  openedAt: null, lastActivityAt: null, resolvedAt: null, isOpen: true, handoffs: 0, reopenCount: 0, slaBreaches: 0, rejections: 0, ...over,
});

describe('the situation line', () => {
  it('leads with the state and the meeting it endangers', () => {
    expect(situation('firestorm', renewal, now, tz)).toBe('Firestorm before tomorrow’s renewal');
  });

  it('names the weekday for a meeting later this week', () => {
    expect(situation('at_risk', { ...renewal, startsAt: '2026-11-27T09:00:00Z', kind: 'qbr' }, now, tz)).toBe('At risk before Friday’s QBR');
  });

  it('gives the date of a meeting further away, or says there is none', () => {
    expect(situation('watch', { ...renewal, startsAt: '2026-12-20T09:00:00Z' }, now, tz)).toBe('Watch, next meeting Sun 20 Dec 10:00 (in 26 days)');
    expect(situation('at_risk', null, now, tz)).toBe('At risk, no meeting scheduled');
  });

  it('keeps healthy accounts calm', () => {
    expect(situation('healthy', renewal, now, tz)).toBe('Healthy — nothing that needs sales right now');
  });
});

describe('the next step', () => {
  it('names the support owner of the worst open case and the meeting to prepare for', () => {
    const cases = [openCase({ id: 'low', severity: 4, assignee: 'Kim' }), openCase({ severity: 1, escalationLevel: 2, assignee: 'Lena Vogel' })];
    expect(nextStep('firestorm', cases, renewal, now, tz)).toBe('Call Lena Vogel, who owns “Checkout payments failing” in support, before the renewal tomorrow 11:00 (in 20 h).');
  });

  it('asks who owns a case nobody is assigned to', () => {
    expect(nextStep('at_risk', [openCase({})], null, now, tz)).toBe('Ask support who owns “Checkout payments failing” — nobody is assigned.');
  });

  it('points to the reasons when nothing is open, and says nothing for a healthy account', () => {
    expect(nextStep('watch', [openCase({ isOpen: false })], null, now, tz)).toBe('Read the reasons below before your next call.');
    expect(nextStep('healthy', [openCase({})], renewal, now, tz)).toBeNull();
  });
});
