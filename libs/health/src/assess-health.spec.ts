import { assessHealth } from './assess-health';
import { type CaseState, emptyCase } from './case-state';

const now = new Date('2026-11-25T12:00:00Z');
const openCase = (patch: Partial<CaseState>): CaseState => ({ ...emptyCase(patch.id ?? 'ZD-1'), openedAt: '2026-11-24T09:00:00Z', ...patch });

describe('account health', () => {
  it('one low-severity question is healthy', () => {
    const health = assessHealth([openCase({ title: 'How do I export?', severity: 4 })], now);
    expect(health).toMatchObject({ score: 100, state: 'healthy', reasons: [], openCases: 1, openEscalations: 0 });
  });

  it('a critical case alone is something to watch', () => {
    const health = assessHealth([openCase({ title: 'Checkout down', severity: 1 })], now);
    expect(health.state).toBe('watch');
    expect(health.reasons).toEqual([expect.objectContaining({ code: 'open_severe_cases', label: '“Checkout down” is a critical case and still open' })]);
  });

  it('a critical escalation whose workaround the customer rejected is a firestorm, with its reasons', () => {
    const burning = openCase({
      title: 'Checkout down', severity: 1, escalationLevel: 2, handoffs: 4,
      rejections: [{ at: '2026-11-25T08:00:00Z', who: 'Dana Lee', reason: 'Workaround not acceptable' }],
    });
    const health = assessHealth([burning], now);
    expect(health.state).toBe('firestorm');
    expect(health.forcedBy).toContain('ZD-1');
    expect(health.reasons.map((r) => r.code)).toEqual(['open_severe_cases', 'open_escalations', 'rejected_resolution', 'handoff_loops']);
    const rejected = health.reasons.find((r) => r.code === 'rejected_resolution');
    expect(rejected?.label).toBe('The customer rejected the proposed resolution of “Checkout down”: “Workaround not acceptable”');
    expect(rejected?.evidence).toEqual([expect.objectContaining({ caseId: 'ZD-1', who: 'Dana Lee', quote: 'Workaround not acceptable' })]);
  });

  it('resolved cases stop counting as open problems', () => {
    const health = assessHealth([openCase({ severity: 1, escalationLevel: 2, status: 'solved' })], now);
    expect(health).toMatchObject({ state: 'healthy', openCases: 0 });
  });

  it('a poor CSAT names the customer and fades after the survey window', () => {
    const survey = { at: '2026-11-20T10:00:00Z', kind: 'csat' as const, score: 1, who: 'Dana Lee', comment: 'Nobody listened' };
    const recent = assessHealth([openCase({ status: 'solved', surveys: [survey] })], now);
    expect(recent.reasons).toEqual([expect.objectContaining({ code: 'poor_surveys', label: '1 poor survey answer in the last 30 days (Dana Lee)' })]);
    const later = assessHealth([openCase({ status: 'solved', surveys: [survey] })], new Date('2027-01-25T12:00:00Z'));
    expect(later.reasons).toEqual([]);
  });

  it('never scores below zero', () => {
    const many = Array.from({ length: 10 }, (_, i) => openCase({ id: `C${i}`, severity: 1, escalationLevel: 3, slaBreaches: 1 }));
    expect(assessHealth(many, now).score).toBe(0);
  });
});
