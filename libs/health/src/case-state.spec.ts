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

describe('case state, what the signals need', () => {
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 25, 9, minute)).toISOString();
  const f = (type: string, minute: number, data: Record<string, unknown> = {}, key = `k-${type}-${minute}`): CaseFact =>
    ({ type: `forewarn.${type}`, time: at(minute), seq: 0, key, data: { account, case: { id: 'ZD-1' }, ...data } }) as CaseFact;

  it('remembers since when a case is escalated, its peak and its worst severity', () => {
    const state = foldCase('ZD-1', [
      f('case.opened', 0, { case: { id: 'ZD-1', severity: 1 } }),
      f('case.escalated', 5, { case: { id: 'ZD-1', escalationLevel: 2 } }),
      f('case.priority_changed', 6, { case: { id: 'ZD-1', severity: 3 } }),
      f('case.de_escalated', 7, { case: { id: 'ZD-1', escalationLevel: 0 } }),
    ]);
    expect(state).toMatchObject({ severity: 3, worstSeverity: 1, escalationLevel: 0, peakEscalationLevel: 2, escalatedAt: null });
    const escalated = foldCase('ZD-1', [f('case.opened', 0), f('case.escalated', 5), f('case.escalated', 9)]);
    expect(escalated).toMatchObject({ escalationLevel: 2, escalatedAt: at(5) });
  });

  it('counts only what support does as an update: a customer asking "any news?" does not reset the clock', () => {
    const state = foldCase('ZD-1', [
      f('case.opened', 0, { actor: { type: 'customer', name: 'Dana' } }),
      f('case.commented', 10, { actor: { type: 'agent', name: 'Sam' }, comment: { excerpt: 'Looking into it' } }),
      f('case.commented', 20, { actor: { type: 'customer', name: 'Dana' }, comment: { excerpt: 'Any news?' } }),
      f('case.sla_breached', 30, { actor: { type: 'system' } }),
    ]);
    expect(state.lastSupportUpdateAt).toBe(at(10));
    expect(state.lastActivityAt).toBe(at(30));
  });

  it('scores what the customer wrote with the sentiment model', () => {
    const state = foldCase('ZD-1', [
      f('case.commented', 1, { actor: { type: 'customer', name: 'Dana' }, comment: { excerpt: 'This is unacceptable. We are losing money every hour.' } }),
      f('case.commented', 2, { actor: { type: 'customer', name: 'Dana' }, comment: { excerpt: 'Thank you so much, works great now' } }),
    ]);
    expect(state.customerComments.map((c) => Math.sign(c.sentiment))).toEqual([-1, 1]);
  });

  it('applies a redelivered event once', () => {
    const once = [f('case.opened', 0), f('case.sla_breached', 5, {}, 'same'), f('case.reopened', 6)];
    expect(foldCase('ZD-1', [...once, once[1], once[1]])).toEqual(foldCase('ZD-1', once));
  });

  it('orders events with the same timestamp by what they are, not by when they arrived', () => {
    const proposedAndRejected = [f('case.opened', 0), f('case.resolution_rejected', 3, { reason: 'No' }, 'b'), f('case.resolved', 3, {}, 'a')];
    const state = foldCase('ZD-1', proposedAndRejected);
    expect(foldCase('ZD-1', [...proposedAndRejected].reverse())).toEqual(state);
    // Resolved and rejected at the same second: the rejection (phase 2) comes before the resolution (phase 3).
    expect(state.status).toBe('solved');
  });
});
