import { backtest, compareBacktests, simulateAccount, type BacktestAlert } from './backtest';
import { DEFAULT_POLICY, parsePolicy } from './policy';
import { story } from './testing';

const now = new Date('2026-11-25T12:00:00Z');
const window = { since: new Date('2026-11-18T00:00:00Z'), until: now, tickMinutes: 60 };

/** A week in the life of one account: an outage three days before the renewal meeting, fixed just before it. */
function outageWeek() {
  const s = story('northwind', now).account(-24 * 30, { tier: 'enterprise' }).meeting(-24 * 6, { id: 'renewal', title: 'Renewal', startsAt: -24 * 2, kind: 'renewal' });
  s.case('ZD-1', 'Checkout down', 2).opened(-24 * 4, 'Dana').assigned(-24 * 4 + 1, 'Sam').escalated(-24 * 4 + 1, 1)
    .rejected(-24 * 4 + 2, 'Dana', 'Not acceptable').agentSays(-24 * 3, 'Sam', 'Working on a fix').resolved(-24 * 2 - 6, 'Sam');
  s.case('ZD-2', 'How do I export?', 4).opened(-24 * 3);
  return s;
}

describe('backtest: what a policy would have told the account teams', () => {
  it('replays an account through the current policy: heads-ups as it got worse, a briefing a day before the renewal, an all-clear once it faded', () => {
    const alerts = simulateAccount('northwind', outageWeek().events, DEFAULT_POLICY, window);
    expect(alerts.map((a) => [a.at, a.kind, a.state])).toEqual([
      ['2026-11-21T12:00:00.000Z', 'heads-up', 'watch'],
      ['2026-11-21T14:00:00.000Z', 'heads-up', 'firestorm'],
      ['2026-11-22T12:00:00.000Z', 'briefing', 'firestorm'],
      [expect.any(String), 'all-clear', 'healthy'],
    ]);
    expect(alerts[2]).toMatchObject({ meetingId: 'renewal', reasons: expect.arrayContaining(['rejected_resolution', 'meeting_soon']) });
  });

  it('compares a candidate that weighs a rejected workaround less with the current policy', () => {
    const lenient = parsePolicy(JSON.stringify({ version: 'lenient on rejections', rejectedResolution: { weight: 5 } }));
    const report = backtest([{ accountId: 'northwind', events: outageWeek().events }], DEFAULT_POLICY, lenient, window);
    expect(report.current.version).toBe(DEFAULT_POLICY.version);
    expect(report.candidate.version).toBe('lenient on rejections');
    expect(report.onlyCurrent.map((a) => [a.kind, a.state])).toEqual(expect.arrayContaining([['heads-up', 'firestorm']]));
    expect(report.onlyCandidate.map((a) => [a.kind, a.state])).toEqual(expect.arrayContaining([['heads-up', 'at_risk']]));
    // The same briefing, but about a calmer account.
    expect(report.changed.map(({ current, candidate }) => [current.kind, current.state, candidate.state])).toContainEqual(['briefing', 'firestorm', 'at_risk']);
    expect(report.current.raised).toEqual({ 'heads-up': 2, briefing: 1, 'all-clear': 1 });
  });

  it('reports nothing outside the window', () => {
    const alerts = simulateAccount('northwind', outageWeek().events, DEFAULT_POLICY, { ...window, since: now });
    expect(alerts).toEqual([]);
  });

  it('pairs equal alerts and reports changed ones with the shift in hours', () => {
    const alert = (at: string, kind: BacktestAlert['kind'] = 'heads-up'): BacktestAlert => ({ accountId: 'a', kind, state: 'at_risk', score: 50, at, meetingId: null, reasons: [], forcedBy: null });
    const report = compareBacktests(
      { version: 'a', alerts: [alert('2026-11-20T10:00:00Z'), alert('2026-11-21T10:00:00Z', 'all-clear')] },
      { version: 'b', alerts: [alert('2026-11-20T13:00:00Z')] },
    );
    expect(report.changed).toEqual([expect.objectContaining({ hours: 3 })]);
    expect(report.onlyCurrent.map((a) => a.kind)).toEqual(['all-clear']);
    expect(report.unchanged).toBe(0);
  });
});
