import { factsAt, projectAccount } from './account-projection';
import { planAlerts } from './alert-plan';
import { assessHealth } from './assess-health';
import { type BriefableMeeting, buildBriefing, meetingToBrief, resolvedBeforeMeeting } from './briefing';
import { DEFAULT_POLICY as policy } from './policy';
import { story } from './testing';

const now = new Date('2026-11-25T12:00:00Z');
const meeting = (id: string, hoursAhead: number, patch: Partial<BriefableMeeting> = {}): BriefableMeeting => ({
  id, title: 'Renewal proposal', startsAt: new Date(now.getTime() + hoursAhead * 3_600_000).toISOString(), endsAt: null, kind: 'renewal',
  organizer: { name: 'Riley Chen', email: 'riley@sales.example' }, attendees: [], cancelled: false, ...patch,
});

describe('briefing before a meeting', () => {
  it('is due 24 hours before a meeting with an account that is not healthy, once per meeting', () => {
    const input = { state: 'at_risk' as const, meetings: [meeting('m1', 20)], briefed: new Set<string>(), now, policy };
    expect(meetingToBrief(input)?.id).toBe('m1');
    expect(meetingToBrief({ ...input, briefed: new Set(['m1']) })).toBeNull();
  });

  it('is not due for a healthy account, a meeting further away, or a cancelled one', () => {
    expect(meetingToBrief({ state: 'healthy', meetings: [meeting('m1', 20)], briefed: new Set(), now, policy })).toBeNull();
    expect(meetingToBrief({ state: 'firestorm', meetings: [meeting('m1', 30)], briefed: new Set(), now, policy })).toBeNull();
    expect(meetingToBrief({ state: 'firestorm', meetings: [meeting('m1', 20, { cancelled: true })], briefed: new Set(), now, policy })).toBeNull();
  });

  it('the lead time is a policy setting', () => {
    const early = { ...policy, briefing: { hoursBefore: 48, minState: 'at_risk' as const } };
    expect(meetingToBrief({ state: 'at_risk', meetings: [meeting('m1', 30)], briefed: new Set(), now, policy: early })?.id).toBe('m1');
    expect(meetingToBrief({ state: 'watch', meetings: [meeting('m1', 30)], briefed: new Set(), now, policy: early })).toBeNull();
  });

  it('is raised only on the sweep, next to the heads-up of the event that made things worse', () => {
    const assessment = { state: 'at_risk' } as ReturnType<typeof assessHealth>;
    const base = { alertedState: null, assessment, meetings: [meeting('m1', 20)], briefed: new Set<string>(), now, policy };
    expect(planAlerts({ ...base, briefings: false }).alerts.map((a) => a.kind)).toEqual(['heads-up']);
    expect(planAlerts({ ...base, alertedState: 'at_risk', briefings: true }).alerts.map((a) => a.kind)).toEqual(['briefing']);
  });

  it('reads like a note from a well-prepared colleague', () => {
    const s = story('northwind', now).meeting(-72, { id: 'cal-1', title: 'Northwind renewal proposal', startsAt: 20, kind: 'renewal', organizer: { name: 'Riley Chen', email: 'riley@sales.example' } });
    s.case('ZD-4711', 'Checkout payments failing', 1).opened(-52, 'Dana Whitfield').assigned(-51, 'Sam Ortiz').assigned(-40, 'Lena Vogel').escalated(-30, 2)
      .rejected(-20, 'Dana Whitfield', 'The fallback processor doubles our fees')
      .customerSays(-6, 'Dana Whitfield', 'This is the third outage this quarter. Frankly, unacceptable.');
    s.case('ZD-4650', 'Invoice PDF missing logo', 3).opened(-24 * 10).assigned(-24 * 10, 'Priya Shah').resolved(-24 * 3, 'Priya Shah');
    s.survey(-24 * 2, 'Tom Becker', 'nps', 3, 'Too many incidents lately');
    const projection = projectAccount(s.events);
    const facts = factsAt(projection, now, policy);
    const assessment = assessHealth(facts, now, policy);
    const briefing = buildBriefing({ meeting: projection.meetings[0], facts, assessment, now, policy });

    expect(briefing.meeting).toMatchObject({ id: 'cal-1', title: 'Northwind renewal proposal', kind: 'renewal', organizer: { name: 'Riley Chen', email: 'riley@sales.example' } });
    expect(briefing.openCases).toEqual([expect.objectContaining({ id: 'ZD-4711', ageHours: 52, assignee: 'Lena Vogel', escalationLevel: 2, handoffs: 1, rejected: true })]);
    expect(briefing.customerSaid.map((q) => [q.kind, q.who, q.quote])).toEqual([
      ['comment', 'Dana Whitfield', 'This is the third outage this quarter. Frankly, unacceptable.'],
      ['rejection', 'Dana Whitfield', 'The fallback processor doubles our fees'],
      ['survey', 'Tom Becker', 'Too many incidents lately'],
    ]);
    expect(briefing.supportOwners).toEqual([{ name: 'Lena Vogel', caseIds: ['ZD-4711'] }]);
    expect(briefing.recentlyFixed).toEqual([expect.objectContaining({ id: 'ZD-4650', title: 'Invoice PDF missing logo', assignee: 'Priya Shah' })]);
    expect(briefing.detractors).toEqual([expect.objectContaining({ who: 'Tom Becker', kind: 'nps', score: 3, caseId: null })]);
    expect(briefing.talkingPoints).toEqual([
      'Acknowledge “Checkout payments failing” (open 2 days) before they bring it up.',
      'Apologise that the proposed fix for “Checkout payments failing” did not work for them — Dana Whitfield said “The fallback processor doubles our fees”; do not defend the workaround.',
      'Say what is being done and by when: ask Lena Vogel in support for the next step and a date before the meeting, and promise an update by then.',
    ]);
  });

  it('an all-clear before a meeting says it was resolved before the meeting, and what was fixed', () => {
    const s = story('acme', now).meeting(-72, { id: 'm1', title: 'QBR', startsAt: 30, kind: 'qbr' });
    s.case('C-1', 'Exports stuck', 2).opened(-48).escalated(-40, 1).resolved(-1, 'Sam');
    const projection = projectAccount(s.events);
    const result = resolvedBeforeMeeting({ meetings: projection.meetings, facts: factsAt(projection, now, policy), now, policy });
    expect(result?.meeting.id).toBe('m1');
    expect(result?.recentlyFixed.map((c) => c.id)).toEqual(['C-1']);
    expect(resolvedBeforeMeeting({ meetings: [], facts: factsAt(projection, now, policy), now, policy })).toBeNull();
  });
});
