import type { CaseFact } from './case-state';
import { foldCase, isOpen } from './case-state';

const account = { id: 'acme' };
let seq = 0;
const fact = (type: string, minute: number, data: Record<string, unknown> = {}): CaseFact =>
  ({ type: `forewarn.${type}`, time: new Date(Date.UTC(2026, 10, 25, 9, minute)).toISOString(), seq: seq++, data: { account, case: { id: 'ZD-1' }, ...data } }) as CaseFact;

describe('case state', () => {
  const story = [
    fact('case.opened', 0, { case: { id: 'ZD-1', title: 'Checkout down', severity: 1, status: 'open' } }),
    fact('case.assigned', 1, { assignee: { name: 'Sam' } }),
    fact('case.assigned', 2, { assignee: { name: 'Priya' } }),
    fact('case.assigned', 3, { assignee: { name: 'Sam' } }),
    fact('case.escalated', 4),
    fact('case.escalated', 5),
    fact('case.resolution_rejected', 6, { actor: { type: 'customer', name: 'Dana' }, reason: 'Workaround is too slow' }),
    fact('case.commented', 7, { actor: { type: 'customer', name: 'Dana' }, comment: { excerpt: 'Third time this month' } }),
    fact('case.commented', 8, { actor: { type: 'agent', name: 'Sam' }, comment: { excerpt: 'Looking into it' } }),
  ];

  it('follows a case through hand-offs, escalations and a rejected workaround', () => {
    const state = foldCase('ZD-1', story);
    expect(state).toMatchObject({ title: 'Checkout down', severity: 1, status: 'open', escalationLevel: 2, assignee: 'Sam', handoffs: 2 });
    expect(state.rejections).toEqual([{ at: story[6].time, who: 'Dana', reason: 'Workaround is too slow' }]);
    expect(state.customerComments.map((c) => c.excerpt)).toEqual(['Third time this month']);
    expect(isOpen(state)).toBe(true);
  });

  it('gives the same state whatever order the events arrive in', () => {
    const shuffled = [...story].reverse();
    expect(foldCase('ZD-1', shuffled)).toEqual(foldCase('ZD-1', story));
  });

  it('resolves, reopens and closes', () => {
    const state = foldCase('ZD-1', [fact('case.opened', 0), fact('case.resolved', 1), fact('case.reopened', 2)]);
    expect(state).toMatchObject({ status: 'open', reopenCount: 1, resolvedAt: null });
    const closed = foldCase('ZD-1', [fact('case.opened', 0), fact('case.resolved', 1), fact('case.closed', 2)]);
    expect(isOpen(closed)).toBe(false);
    expect(closed.resolvedAt).toBe(new Date(Date.UTC(2026, 10, 25, 9, 1)).toISOString());
  });

  it('takes an explicit escalation level over counting', () => {
    expect(foldCase('ZD-1', [fact('case.escalated', 0, { case: { id: 'ZD-1', escalationLevel: 3 } }), fact('case.de_escalated', 1)]).escalationLevel).toBe(2);
  });
});
