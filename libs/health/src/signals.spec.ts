import type { AccountFacts } from './account-facts';
import { type CaseState, emptyCase } from './case-state';
import { DEFAULT_POLICY as policy } from './policy';
import {
  handoffLoops, negativeComments, oldestEscalation, openEscalations, openSevereCases, poorSurveys, recentlyResolved, rejectedResolutions,
  reopenedCases, slaBreaches, staleCases,
} from './signals';

const now = new Date('2026-11-25T12:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();
const aCase = (patch: Partial<CaseState>): CaseState => ({ ...emptyCase('ZD-1'), title: 'Checkout down', openedAt: hoursAgo(30), lastSupportUpdateAt: hoursAgo(1), ...patch });
const facts = (...cases: CaseState[]): AccountFacts => ({ cases });

describe('signals: each one a reason with its evidence', () => {
  describe('open cases by severity', () => {
    it('names a single serious case', () => {
      expect(openSevereCases(facts(aCase({ severity: 2 })), policy, now)).toMatchObject({ label: '“Checkout down” is a high-severity case and still open', weight: 12, evidence: [{ caseId: 'ZD-1', detail: 'severity 2' }] });
    });
    it('ignores low severity and closed cases', () => {
      expect(openSevereCases(facts(aCase({ severity: 4 }), aCase({ id: 'X', severity: 1, status: 'closed' })), policy, now)).toBeNull();
    });
  });

  it('open escalations weigh by level', () => {
    const reason = openEscalations(facts(aCase({ escalationLevel: 2 }), aCase({ id: 'ZD-2', escalationLevel: 1 })), policy, now);
    expect(reason).toMatchObject({ label: '2 open escalations, up to level 2', weight: 30 });
  });

  describe('age of the oldest open escalation', () => {
    it('says nothing within the grace period', () => {
      expect(oldestEscalation(facts(aCase({ escalationLevel: 1, escalatedAt: hoursAgo(20) })), policy, now)).toBeNull();
    });
    it('grows with each day after it, up to a cap, and names the oldest', () => {
      const reason = oldestEscalation(facts(aCase({ escalationLevel: 1, escalatedAt: hoursAgo(72), assignee: 'Sam Ortiz' }), aCase({ id: 'ZD-2', title: 'Exports', escalationLevel: 3, escalatedAt: hoursAgo(30) })), policy, now);
      expect(reason).toMatchObject({ code: 'oldest_escalation', label: '“Checkout down” has been escalated for 3 days without a fix', weight: 6, evidence: [{ caseId: 'ZD-1', who: 'Sam Ortiz', detail: 'escalated 3 days ago' }] });
      expect(oldestEscalation(facts(aCase({ escalationLevel: 1, escalatedAt: hoursAgo(24 * 30) })), policy, now)?.weight).toBe(policy.oldestEscalation.max);
    });
  });

  it('rejected resolutions quote the customer', () => {
    const reason = rejectedResolutions(facts(aCase({ rejections: [{ at: hoursAgo(2), who: 'Dana Lee', reason: 'The workaround doubles our fees' }] })), policy, now);
    expect(reason).toMatchObject({
      label: 'The customer rejected the proposed resolution of “Checkout down”: “The workaround doubles our fees”',
      weight: 20,
      evidence: [{ caseId: 'ZD-1', title: 'Checkout down', since: hoursAgo(2), who: 'Dana Lee', quote: 'The workaround doubles our fees' }],
    });
  });

  it('reopened cases', () => {
    expect(reopenedCases(facts(aCase({ reopenCount: 2 })), policy, now)).toMatchObject({ label: '“Checkout down” was reopened 2 times', weight: 8 });
  });

  it('hand-off loops start at three and weigh more with each further hand-off', () => {
    expect(handoffLoops(facts(aCase({ handoffs: 2 })), policy, now)).toBeNull();
    expect(handoffLoops(facts(aCase({ handoffs: 3, assignee: 'Lena' })), policy, now)).toMatchObject({ label: '“Checkout down” was handed between agents 3 times', weight: 8, evidence: [{ who: 'Lena', detail: '3 hand-offs' }] });
    expect(handoffLoops(facts(aCase({ handoffs: 5 })), policy, now)?.weight).toBe(12);
  });

  describe('stale cases', () => {
    it('a critical case nobody updated for 6 hours is stale; a low one is not', () => {
      const reason = staleCases(facts(aCase({ severity: 1, lastSupportUpdateAt: hoursAgo(6), assignee: 'Sam Ortiz' }), aCase({ id: 'Q', severity: 4, lastSupportUpdateAt: hoursAgo(6) })), policy, now);
      expect(reason).toMatchObject({
        code: 'stale_cases',
        label: 'Nobody in support has updated “Checkout down” for 6 hours',
        weight: 10,
        evidence: [{ caseId: 'ZD-1', who: 'Sam Ortiz', detail: 'no update for 6 hours (expected every 4 hours)' }],
      });
    });
    it('a case waiting on the customer is not stale', () => {
      expect(staleCases(facts(aCase({ severity: 1, status: 'pending', lastSupportUpdateAt: hoursAgo(48) })), policy, now)).toBeNull();
    });
  });

  it('SLA breaches on open cases', () => {
    expect(slaBreaches(facts(aCase({ slaBreaches: 1 })), policy, now)).toMatchObject({ label: '“Checkout down” breached its SLA', weight: 10 });
  });

  describe('negative customer comments (sentiment model)', () => {
    const comment = (excerpt: string, sentiment: number, hours = 2) => ({ at: hoursAgo(hours), who: 'Dana Lee', excerpt, sentiment });
    it('quotes an angry comment and ignores a neutral one', () => {
      const reason = negativeComments(facts(aCase({ customerComments: [comment('Any news?', 0), comment('This is unacceptable.', -0.4)] })), policy, now);
      expect(reason).toMatchObject({ code: 'negative_comments', label: 'Dana Lee wrote on “Checkout down”: “This is unacceptable.”', evidence: [{ caseId: 'ZD-1', who: 'Dana Lee', quote: 'This is unacceptable.', since: hoursAgo(2) }] });
      expect(reason?.weight).toBeCloseTo(4, 0);
    });
    it('fades, is capped, and forgets after its window', () => {
      const many = Array.from({ length: 6 }, (_, i) => comment(`Terrible ${i}`, -0.6));
      expect(negativeComments(facts(aCase({ customerComments: many })), policy, now)?.weight).toBe(policy.negativeComments.max);
      expect(negativeComments(facts(aCase({ customerComments: [comment('Terrible', -0.6, 24 * 7)] })), policy, now)?.weight).toBeCloseTo(2, 1);
      expect(negativeComments(facts(aCase({ customerComments: [comment('Terrible', -0.6, 24 * 15)] })), policy, now)).toBeNull();
    });
  });

  describe('poor CSAT and NPS detractors, by name', () => {
    it('names the customer and quotes them', () => {
      const reason = poorSurveys(facts(aCase({ status: 'solved', surveys: [{ at: hoursAgo(1), kind: 'csat', score: 1, who: 'Dana Lee', comment: 'Nobody listened' }] })), policy, now);
      expect(reason).toMatchObject({ label: 'Dana Lee rated support 1/5: “Nobody listened”', evidence: [{ caseId: 'ZD-1', who: 'Dana Lee', detail: 'CSAT 1', quote: 'Nobody listened' }] });
    });
    it('counts surveys without a case, and lists everybody', () => {
      const reason = poorSurveys({ cases: [aCase({ surveys: [{ at: hoursAgo(30), kind: 'csat', score: 2, who: 'Dana Lee', comment: null }] })], surveys: [{ at: hoursAgo(5), kind: 'nps', score: 3, who: 'Peter Obi', comment: 'Too many outages' }, { at: hoursAgo(4), kind: 'nps', score: 9, who: 'Happy Harry', comment: null }] }, policy, now);
      expect(reason?.label).toBe('2 poor survey answers in the last 30 days: Peter Obi (NPS 3, a detractor) and Dana Lee (CSAT 2/5)');
      expect(reason?.evidence[0]).toEqual({ since: hoursAgo(5), detail: 'NPS 3', who: 'Peter Obi', quote: 'Too many outages' });
    });
    it('fades and then forgets', () => {
      const survey = (days: number) => facts(aCase({ surveys: [{ at: hoursAgo(24 * days), kind: 'csat', score: 1, who: 'Dana', comment: null }] }));
      expect(poorSurveys(survey(15), policy, now)?.weight).toBeCloseTo(4, 5);
      expect(poorSurveys(survey(31), policy, now)).toBeNull();
    });
  });

  describe('recently resolved problems fade', () => {
    const fixed = (hours: number, patch: Partial<CaseState> = {}) =>
      aCase({ status: 'closed', severity: 1, worstSeverity: 1, peakEscalationLevel: 2, rejections: [{ at: hoursAgo(hours + 20), who: 'Dana', reason: 'No' }], resolvedAt: hoursAgo(hours), ...patch });
    it('keeps half the weight the case had at its worst, halving every four days', () => {
      expect(recentlyResolved(facts(fixed(0)), policy, now)?.weight).toBeCloseTo((25 + 20 + 20) / 2, 5);
      expect(recentlyResolved(facts(fixed(96)), policy, now)?.weight).toBeCloseTo((25 + 20 + 20) / 4, 5);
      expect(recentlyResolved(facts(fixed(24 * 31)), policy, now)).toBeNull();
    });
    it('a happy survey after the fix takes the edge off', () => {
      const praised = fixed(0, { surveys: [{ at: hoursAgo(-1), kind: 'csat', score: 5, who: 'Dana', comment: null }] });
      expect(recentlyResolved(facts(praised), policy, now)?.weight).toBeCloseTo(((25 + 20 + 20) / 2) * 0.75, 5);
    });
    it('a fixed low-severity question leaves no memory', () => {
      expect(recentlyResolved(facts(aCase({ status: 'solved', severity: 4, worstSeverity: 4, resolvedAt: hoursAgo(1) })), policy, now)).toBeNull();
    });
  });
});
