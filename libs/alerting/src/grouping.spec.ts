import { planNotification } from './grouping';

const now = new Date('2026-11-25T10:00:00Z');
const wait = 30_000;

describe('grouping a burst about one account into one mail', () => {
  it('holds the first alert for the group wait', () => {
    expect(planNotification(null, { kind: 'heads-up' }, now, wait)).toEqual({ dueAt: new Date('2026-11-25T10:00:30Z'), supersedes: null, cancelled: false });
  });

  it('lets a later alert replace the waiting one and keep its send time', () => {
    const waiting = { id: '7', kind: 'heads-up' as const, dueAt: new Date('2026-11-25T10:00:20Z') };
    expect(planNotification(waiting, { kind: 'heads-up' }, now, wait)).toEqual({ dueAt: waiting.dueAt, supersedes: '7', cancelled: false });
  });

  it('sends nothing when the account recovered before anyone was told', () => {
    const waiting = { id: '7', kind: 'heads-up' as const, dueAt: new Date('2026-11-25T10:00:20Z') };
    expect(planNotification(waiting, { kind: 'all-clear' }, now, wait)).toMatchObject({ supersedes: '7', cancelled: true });
  });

  it('never folds a digest into an account alert', () => {
    const waiting = { id: '7', kind: 'digest' as const, dueAt: new Date('2026-11-25T10:00:20Z') };
    expect(planNotification(waiting, { kind: 'heads-up' }, now, wait)).toMatchObject({ supersedes: null, cancelled: false });
  });
});
