import fc from 'fast-check';
import { type AccountEvent, factsAt, projectAccount } from './account-projection';
import { assessHealth } from './assess-health';
import { simulateAccount } from './backtest';
import { DEFAULT_POLICY as policy } from './policy';
import { type CaseFact, type CaseState, continueCaseFold, foldCase } from './case-state';

/**
 * Real delivery is at-least-once and only ordered per partition: events arrive late, out of
 * order, and more than once. The property: whatever the delivery, the projections — cases,
 * meetings, the account profile, health, and the alerts a backtest derives — are the same as
 * for one clean, in-order delivery.
 */

const T0 = Date.parse('2026-11-20T09:00:00Z');
const CASE_TYPES = [
  'case.opened', 'case.updated', 'case.priority_changed', 'case.escalated', 'case.de_escalated', 'case.commented', 'case.assigned',
  'case.resolution_proposed', 'case.resolution_rejected', 'case.resolved', 'case.reopened', 'case.closed', 'case.sla_breached',
] as const;
const PEOPLE = ['Dana Lee', 'Sam Ortiz', 'Priya Shah', 'Lena Vogel'];
const WORDS = ['Any news?', 'This is unacceptable.', 'Thanks, that works', 'We are losing money every hour', 'Still broken'];

const caseEvent = fc.record({
  type: fc.constantFrom(...CASE_TYPES),
  caseId: fc.constantFrom('ZD-1', 'ZD-2', 'ZD-3'),
  severity: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  status: fc.option(fc.constantFrom('new', 'open', 'pending', 'solved', 'closed'), { nil: undefined }),
  level: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  actor: fc.constantFrom('customer', 'agent', 'system'),
  who: fc.constantFrom(...PEOPLE),
  text: fc.constantFrom(...WORDS),
}).map(({ type, caseId, severity, status, level, actor, who, text }) => ({
  type: `forewarn.${type}`,
  data: {
    account: { id: 'acme' },
    case: { id: caseId, title: `Case ${caseId}`, ...(severity ? { severity } : {}), ...(status ? { status } : {}), ...(level !== undefined ? { escalationLevel: level } : {}) },
    actor: { type: actor, name: who },
    assignee: { name: who },
    reason: text,
    comment: { public: true, excerpt: text },
  },
}));

const surveyEvent = fc.record({ caseId: fc.option(fc.constantFrom('ZD-1', 'ZD-2'), { nil: undefined }), who: fc.constantFrom(...PEOPLE), nps: fc.boolean(), score: fc.integer({ min: 0, max: 10 }) })
  .map(({ caseId, who, nps, score }) => ({
    type: 'forewarn.survey.responded',
    data: { account: { id: 'acme' }, ...(caseId ? { case: { id: caseId } } : {}), actor: { type: 'customer', name: who }, survey: { kind: nps ? 'nps' : 'csat', score: nps ? score : 1 + (score % 5), comment: 'Survey says' } },
  }));

const meetingEvent = fc.record({ type: fc.constantFrom('scheduled', 'updated', 'cancelled'), id: fc.constantFrom('m1', 'm2'), hoursAhead: fc.integer({ min: 1, max: 200 }) })
  .map(({ type, id, hoursAhead }) => ({
    type: `forewarn.meeting.${type}`,
    data: { account: { id: 'acme' }, meeting: { id, title: `Meeting ${id}`, kind: 'renewal', ...(type === 'cancelled' ? {} : { startsAt: new Date(T0 + hoursAhead * 3_600_000).toISOString() }) } },
  }));

const accountEvent = fc.record({ tier: fc.constantFrom('smb', 'enterprise', 'strategic'), arr: fc.integer({ min: 0, max: 2_000_000 }) })
  .map(({ tier, arr }) => ({ type: 'forewarn.account.upserted', data: { id: 'acme', name: 'Acme', domains: [], externalRefs: [], owner: { email: 'o@x.example' }, tier, arr } }));

/** A history of 1–40 events with few distinct timestamps, so that ties are common. */
const history = fc
  .array(fc.tuple(fc.oneof({ weight: 6, arbitrary: caseEvent }, { weight: 1, arbitrary: surveyEvent }, { weight: 1, arbitrary: meetingEvent }, { weight: 1, arbitrary: accountEvent }), fc.integer({ min: 0, max: 48 })), { minLength: 1, maxLength: 40 })
  .map((list) => list.map(([event, slot], i): AccountEvent => ({
    key: `/sources/test\u0000ev-${i}`,
    type: event.type as AccountEvent['type'],
    time: new Date(T0 + slot * 30 * 60_000).toISOString(),
    seq: i,
    data: event.data,
  })));

/** The same events as delivered for real: shuffled, some of them several times, arrival order (`seq`) renumbered. */
const delivered = (events: AccountEvent[]) =>
  fc.tuple(fc.array(fc.nat({ max: events.length - 1 }), { maxLength: 15 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: events.length + 15, maxLength: events.length + 15 }))
    .map(([duplicates, order]) => {
      const all = [...events, ...duplicates.map((i) => events[i])];
      return all.map((e, i) => ({ e, r: order[i] })).sort((a, b) => a.r - b.r).map(({ e }, i) => ({ ...e, seq: i }));
    });

const withDelivery = history.chain((events) => delivered(events).map((redelivered) => ({ events, redelivered })));

describe('out-of-order and duplicated delivery (property)', () => {
  const now = new Date(T0 + 30 * 3_600_000);

  it('gives the same cases, meetings, profile and surveys as in-order delivery', () => {
    fc.assert(fc.property(withDelivery, ({ events, redelivered }) => {
      expect(projectAccount(redelivered)).toEqual(projectAccount(events));
    }), { numRuns: 300 });
  });

  it('gives the same health, reasons and evidence', () => {
    fc.assert(fc.property(withDelivery, ({ events, redelivered }) => {
      const health = (list: AccountEvent[]) => assessHealth(factsAt(projectAccount(list), now, policy), now, policy);
      expect(health(redelivered)).toEqual(health(events));
    }), { numRuns: 300 });
  });

  it('gives the same alert decisions in a backtest', () => {
    const window = { since: new Date(T0), until: new Date(T0 + 48 * 3_600_000), tickMinutes: 180 };
    fc.assert(fc.property(withDelivery, ({ events, redelivered }) => {
      expect(simulateAccount('acme', redelivered, policy, window)).toEqual(simulateAccount('acme', events, policy, window));
    }), { numRuns: 60 });
  });
});

describe('continuing a case fold batch by batch (property)', () => {
  /** What the projector does: each batch's new events continue the stored fold where they can, else everything is folded again. */
  const foldInBatches = (delivery: AccountEvent[], batchSizes: number[]): Map<string, CaseState> => {
    const seen = new Set<string>();
    const stored = new Map<string, CaseState>();
    const all = new Map<string, CaseFact[]>();
    let at = 0;
    for (const size of batchSizes) {
      const fresh = new Map<string, CaseFact[]>();
      for (const event of delivery.slice(at, at + size)) {
        const caseId = (event.data as { case?: { id: string } }).case?.id;
        if (!caseId || !(event.type.startsWith('forewarn.case.') || event.type === 'forewarn.survey.responded') || seen.has(event.key)) continue;
        seen.add(event.key);
        const fact = event as unknown as CaseFact;
        fresh.set(caseId, [...(fresh.get(caseId) ?? []), fact]);
        all.set(caseId, [...(all.get(caseId) ?? []), fact]);
      }
      for (const [caseId, facts] of fresh) {
        const before = stored.get(caseId);
        stored.set(caseId, (before && continueCaseFold(before, facts)) ?? foldCase(caseId, all.get(caseId) ?? []));
      }
      at += size;
    }
    return stored;
  };

  it('gives the same case states as one fold of every event, in any delivery and any batching', () => {
    const scenario = withDelivery.chain(({ events, redelivered }) =>
      fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 60 }).map((sizes) => ({ events, redelivered, sizes: [...sizes, redelivered.length] })));
    fc.assert(fc.property(scenario, ({ events, redelivered, sizes }) => {
      const once = foldInBatches(events, [events.length]);
      expect(foldInBatches(redelivered, sizes)).toEqual(once);
    }), { numRuns: 300 });
  });

  it('continues an in-order stream without folding again', () => {
    const a = { key: 's\u0000a', type: 'forewarn.case.opened', time: '2026-11-20T09:00:00.000Z', seq: 1, data: { account: { id: 'acme' }, case: { id: 'ZD-1', severity: 2 } } } as unknown as CaseFact;
    const b = { key: 's\u0000b', type: 'forewarn.case.escalated', time: '2026-11-20T10:00:00.000Z', seq: 2, data: { account: { id: 'acme' }, case: { id: 'ZD-1' } } } as unknown as CaseFact;
    const first = foldCase('ZD-1', [a]);
    expect(first.foldedThrough).toEqual({ type: a.type, time: a.time, key: a.key });
    expect(continueCaseFold(first, [b])).toEqual(foldCase('ZD-1', [a, b]));
    // A late event, or the same one again, cannot simply be appended.
    expect(continueCaseFold(foldCase('ZD-1', [b]), [a])).toBeNull();
    expect(continueCaseFold(first, [a])).toBeNull();
  });
});
