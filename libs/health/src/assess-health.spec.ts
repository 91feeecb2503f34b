import { assessHealth } from './assess-health';
import { type CaseState, emptyCase } from './case-state';
import { DEFAULT_POLICY, parsePolicy } from './policy';
import { story } from './testing';

const now = new Date('2026-11-25T12:00:00Z');
const openCase = (patch: Partial<CaseState>): CaseState => ({ ...emptyCase(patch.id ?? 'ZD-1'), openedAt: '2026-11-25T09:00:00Z', lastSupportUpdateAt: '2026-11-25T11:00:00Z', ...patch });
const codes = (health: { reasons: { code: string }[] }) => health.reasons.map((r) => r.code);

describe('account health, in the words of the people who use it', () => {
  it('a critical case reassigned four times with a rejected workaround, a renewal tomorrow → firestorm with those three reasons', () => {
    const s = story('northwind').account(-24 * 30, { tier: 'midmarket', renewalDate: '2026-11-26' });
    s.case('ZD-4711', 'Checkout payments failing', 1)
      .opened(-10, 'Dana Lee')
      .assigned(-9.5, 'Sam Ortiz').assigned(-8, 'Priya Shah').assigned(-6, 'Lena Vogel').assigned(-4, 'Ken Ito').assigned(-2, 'Sam Ortiz')
      .proposed(-1.5, 'Sam Ortiz', 'Use the fallback processor for now')
      .rejected(-1, 'Dana Lee', 'The fallback processor doubles our fees');
    const health = s.health();

    expect(health.state).toBe('firestorm');
    expect(codes(health)).toEqual(expect.arrayContaining(['handoff_loops', 'rejected_resolution', 'renewal_soon']));
    const reason = (code: string) => health.reasons.find((r) => r.code === code);
    expect(reason('handoff_loops')?.label).toBe('“Checkout payments failing” was handed between agents 4 times');
    expect(reason('rejected_resolution')?.label).toBe('The customer rejected the proposed resolution of “Checkout payments failing”: “The fallback processor doubles our fees”');
    expect(reason('rejected_resolution')?.evidence[0]).toMatchObject({ caseId: 'ZD-4711', who: 'Dana Lee', quote: 'The fallback processor doubles our fees' });
    expect(reason('renewal_soon')?.label).toBe('The contract renews tomorrow: all of this will come up, so it weighs 1.5×');
    // It is the renewal that tips it: the same account without one is "only" at risk.
    const noRenewal = story('northwind').account(-24 * 30, { tier: 'midmarket' });
    noRenewal.events.push(...s.events.filter((e) => e.type !== 'forewarn.account.upserted'));
    expect(noRenewal.health().state).toBe('at_risk');
  });

  it('one low-severity question → healthy, nothing to tell sales', () => {
    const s = story('initech');
    s.case('ZD-9', 'How do I export invoices?', 4).opened(-2, 'Peter Gibbons');
    expect(s.health()).toMatchObject({ score: 100, state: 'healthy', reasons: [], openCases: 1, openEscalations: 0, forcedBy: null });
  });

  it('all fixed and a 5-star CSAT → recovers over days, a little faster than without the praise', () => {
    const outage = (praise: boolean) => {
      const s = story('acme');
      const c = s.case('ZD-1', 'Checkout down', 1).opened(-72, 'Dana Lee').assigned(-71, 'Sam Ortiz').escalated(-70, 2)
        .rejected(-48, 'Dana Lee', 'The workaround does not work for our EU customers').resolved(-1, 'Sam Ortiz').closed(-0.5);
      if (praise) c.survey(-0.25, 'Dana Lee', 'csat', 5, 'Sam fixed it, thank you');
      return s;
    };
    const withPraise = outage(true);
    const days = [0, 1, 2, 3, 5, 7, 14, 31].map((d) => withPraise.health(d * 24));
    expect(days[0].state).not.toBe('healthy'); // the day it is fixed, the customer still remembers
    expect(days[0].reasons[0].label).toBe('“Checkout down” was fixed 1 hour ago (critical, escalated, a rejected workaround); the customer will still remember it, though Dana Lee rated the fix 5/5');
    expect(days.at(-2)?.state).toBe('healthy'); // two weeks later it is behind them
    expect(days.at(-1)).toMatchObject({ score: 100, reasons: [] }); // and after a month it is forgotten
    for (let i = 1; i < days.length; i++) expect(days[i].score).toBeGreaterThanOrEqual(days[i - 1].score);
    const firstHealthy = (s: ReturnType<typeof outage>) => [...Array(15).keys()].find((d) => s.health(d * 24).state === 'healthy') ?? 99;
    expect(firstHealthy(withPraise)).toBeGreaterThanOrEqual(1);
    expect(firstHealthy(withPraise)).toBeLessThan(firstHealthy(outage(false)));
  });

  it('a critical escalation shortly before a meeting is the loudest case, even without a rejection', () => {
    const s = story('globex').meeting(-48, { id: 'm1', title: 'QBR', startsAt: 20, kind: 'qbr' });
    s.case('FD-1', 'SSO login loops', 1).opened(-3).escalated(-2, 1);
    const health = s.health();
    expect(health.state).toBe('firestorm');
    expect(health.forcedBy).toBe('a critical escalation right before a meeting or renewal (FD-1)');
    expect(codes(health)).toContain('meeting_soon');
    // Six days before the meeting the same case is likely to come up, but not yet a firestorm.
    const early = story('globex').meeting(-48, { id: 'm1', title: 'QBR', startsAt: 24 * 6, kind: 'qbr' });
    early.case('FD-1', 'SSO login loops', 1).opened(-3).escalated(-2, 1);
    expect(early.health()).toMatchObject({ state: 'at_risk', forcedBy: null });
  });

  it('the same problems weigh more at a strategic account', () => {
    const at = (profile: { tier?: string; arr?: number }) => {
      const s = story('a').account(-100, profile);
      s.case('C-1', 'Reports slow', 2).opened(-3).escalated(-2, 1);
      return s.health();
    };
    const small = at({ tier: 'smb', arr: 20_000 });
    const strategic = at({ tier: 'Strategic', arr: 1_200_000 });
    expect(strategic.score).toBeLessThan(small.score);
    expect(strategic.reasons.find((r) => r.code === 'key_account')?.label).toBe('Strategic account, $1.2M ARR: problems here weigh 1.3×');
    expect(codes(small)).not.toContain('key_account');
  });

  it('reasons add up to exactly what the score lost, loudest problem first', () => {
    const s = story('a').account(-100, { tier: 'enterprise' }).meeting(-10, { id: 'm', startsAt: 30, kind: 'renewal' });
    s.case('C-1', 'Invoices wrong', 2).opened(-50).escalated(-40, 2).customerSays(-5, 'Kim', 'This is unacceptable, we are losing money every day.');
    const health = s.health();
    expect(health.reasons.reduce((sum, r) => sum + r.weight, 0)).toBe(100 - health.score);
    const problems = health.reasons.filter((r) => !['key_account', 'meeting_soon', 'renewal_soon'].includes(r.code));
    expect(problems.map((r) => r.weight)).toEqual([...problems.map((r) => r.weight)].sort((a, b) => b - a));
    expect(codes(health).slice(-2)).toEqual(['key_account', 'meeting_soon']);
  });

  it('resolved cases stop counting as open problems', () => {
    const health = assessHealth([openCase({ severity: 1, escalationLevel: 2, status: 'solved' })], now);
    expect(health).toMatchObject({ state: 'healthy', openCases: 0 });
  });

  it('keeps the hard rule: a critical escalation whose resolution the customer rejected is a firestorm', () => {
    const burning = openCase({ title: 'Checkout down', severity: 1, escalationLevel: 1, escalatedAt: '2026-11-25T10:00:00Z', rejections: [{ at: '2026-11-25T11:30:00Z', who: 'Dana Lee', reason: 'Workaround not acceptable' }] });
    const health = assessHealth([burning], now);
    expect(health.state).toBe('firestorm');
    expect(health.forcedBy).toBe('a critical escalation whose resolution the customer rejected (ZD-1)');
    expect(health.score).toBeGreaterThanOrEqual(DEFAULT_POLICY.thresholds.firestorm); // the rule, not the score, decided
    expect(codes(health)).toEqual(['open_severe_cases', 'rejected_resolution', 'open_escalations']);
  });

  it('a policy can drop a hard rule', () => {
    const burning = openCase({ severity: 1, escalationLevel: 1, escalatedAt: '2026-11-25T10:00:00Z', rejections: [{ at: '2026-11-25T11:30:00Z', who: null, reason: null }] });
    const lenient = parsePolicy(JSON.stringify({ version: 'no hard rules', hardRules: [] }));
    expect(assessHealth([burning], now, lenient)).toMatchObject({ state: 'at_risk', forcedBy: null, policyVersion: 'no hard rules' });
  });

  it('walking skeleton: a high-severity case, escalated once, workaround rejected → at risk with its reasons', () => {
    const health = assessHealth([openCase({ title: 'Checkout payments failing', severity: 2, escalationLevel: 1, escalatedAt: '2026-11-25T11:00:00Z', rejections: [{ at: '2026-11-25T11:50:00Z', who: 'Dana Whitfield', reason: 'The workaround doubles our fees' }] })], now);
    expect(health.state).toBe('at_risk');
    expect(codes(health)).toEqual(['rejected_resolution', 'open_severe_cases', 'open_escalations']);
  });

  it('is time-dependent while anything is open or remembered, so the sweep keeps looking', () => {
    expect(assessHealth([openCase({ severity: 4 })], now).timeDependent).toBe(true);
    expect(assessHealth([openCase({ severity: 4, status: 'closed', resolvedAt: '2026-10-01T00:00:00Z' })], now).timeDependent).toBe(false);
  });

  it('never scores below zero', () => {
    const many = Array.from({ length: 10 }, (_, i) => openCase({ id: `C${i}`, severity: 1, escalationLevel: 3, slaBreaches: 1 }));
    expect(assessHealth(many, now).score).toBe(0);
  });
});
