import { describeEvent } from './timeline';

const at = '2026-11-24T09:00:00Z';
const checkout = { id: 'ZD-4711', title: 'Checkout payments failing', severity: 1 };

describe('timeline sentences', () => {
  it('says the customer rejected the resolution, with their reason and name', () => {
    const entry = describeEvent('forewarn.case.resolution_rejected', at, { case: checkout, actor: { type: 'customer', name: 'Dana Whitfield' }, reason: 'The workaround doubles our fees' });
    expect(entry).toEqual({
      at, type: 'forewarn.case.resolution_rejected', caseId: 'ZD-4711', caseTitle: 'Checkout payments failing',
      who: 'Dana Whitfield', sentence: 'Customer rejected the resolution: The workaround doubles our fees', tone: 'bad',
    });
  });

  it('names the case and its severity when it is opened', () => {
    expect(describeEvent('forewarn.case.opened', at, { case: checkout }).sentence).toBe('Case opened: “Checkout payments failing” (critical severity)');
    expect(describeEvent('forewarn.case.opened', at, { case: { id: 'Q-1', severity: 4 } })).toMatchObject({ sentence: 'Case opened (low severity)', tone: 'neutral' });
  });

  it('gives the escalation level and why', () => {
    expect(describeEvent('forewarn.case.escalated', at, { case: { ...checkout, escalationLevel: 2 }, reason: 'Revenue impact' }).sentence).toBe('Escalated to level 2: Revenue impact');
  });

  it('says who a case was handed to', () => {
    expect(describeEvent('forewarn.case.assigned', at, { case: checkout, assignee: { id: 'a-17', name: 'Sam Ortiz' } }).sentence).toBe('Assigned to Sam Ortiz');
  });

  it('quotes what a customer wrote, shortened, and keeps internal notes private', () => {
    const long = 'x'.repeat(300);
    expect(describeEvent('forewarn.case.commented', at, { actor: { type: 'customer' }, comment: { excerpt: 'Third outage this quarter.' } }).sentence).toBe('Customer wrote: “Third outage this quarter.”');
    expect(describeEvent('forewarn.case.commented', at, { actor: { type: 'customer' }, comment: { excerpt: long } }).sentence).toHaveLength('Customer wrote: '.length + 162);
    expect(describeEvent('forewarn.case.commented', at, { actor: { type: 'agent' }, comment: { public: false, excerpt: 'secret' } }).sentence).toBe('Support added an internal note');
  });

  it('reads surveys as scores on their scale, marking detractors', () => {
    expect(describeEvent('forewarn.survey.responded', at, { survey: { kind: 'csat', score: 2, comment: 'Slow' } })).toMatchObject({ sentence: 'CSAT 2/5: “Slow”', tone: 'bad' });
    expect(describeEvent('forewarn.survey.responded', at, { survey: { kind: 'nps', score: 3 } }).sentence).toBe('NPS 3/10 (detractor)');
    expect(describeEvent('forewarn.survey.responded', at, { survey: { kind: 'csat', score: 5 } }).tone).toBe('good');
  });

  it('marks resolutions as good news and SLA breaches as bad', () => {
    expect(describeEvent('forewarn.case.resolved', at, { case: checkout }).tone).toBe('good');
    expect(describeEvent('forewarn.case.sla_breached', at, { case: checkout, reason: 'First response (1 h)' })).toMatchObject({ sentence: 'SLA breached: First response (1 h)', tone: 'bad' });
  });

  it('describes meetings by kind and title', () => {
    expect(describeEvent('forewarn.meeting.scheduled', at, { meeting: { id: 'm', title: 'Northwind renewal', kind: 'renewal' } }).sentence).toBe('Renewal “Northwind renewal” scheduled');
    expect(describeEvent('forewarn.meeting.cancelled', at, { meeting: { id: 'm' } }).sentence).toBe('Meeting cancelled');
  });

  it('says something readable for a type it does not know', () => {
    expect(describeEvent('forewarn.case.teleported', at, {}).sentence).toBe('case teleported');
  });
});
