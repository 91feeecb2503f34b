import { parseInboundEvent } from '@forewarn/contracts';
import type { MappedEvent, MapResult } from '../types';
import { mapServiceNow, serviceNowSeverity, serviceNowStatus } from './servicenow.mapper';
import inserted from './fixtures/case-inserted.json';
import priorityAndEscalation from './fixtures/case-priority-and-escalation.json';
import proposed from './fixtures/case-solution-proposed.json';
import rejected from './fixtures/case-solution-rejected.json';
import reassigned from './fixtures/incident-reassigned.json';
import untracked from './fixtures/incident-untracked-change.json';
import slaBreached from './fixtures/sla-breached.json';
import survey from './fixtures/survey-taken.json';

const receivedAt = new Date('2025-01-10T12:00:00Z');
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));
const map = (payload: unknown): MapResult => mapServiceNow(clone(payload), { receivedAt });

function events(result: MapResult): MappedEvent[] {
  if (result.status !== 'mapped') throw new Error(`expected events, got ${JSON.stringify(result)}`);
  for (const event of result.events) {
    const valid = parseInboundEvent(event, { source: '/sources/servicenow-test', receivedAt });
    if (!valid.ok) throw new Error(`${event.type} breaks the contract: ${JSON.stringify(valid.errors)}`);
  }
  return result.events;
}

describe('ServiceNow business-rule deliveries', () => {
  it('maps an inserted case to case.opened, time from sys_updated_on (UTC)', () => {
    const [event] = events(map(inserted));
    expect(event).toEqual({
      specversion: '1.0',
      id: 'sn-46e3a8b1db2c1010a1b2c3d4e5f60718-0-opened',
      type: 'forewarn.case.opened',
      time: '2025-01-08T09:12:07.000Z',
      subject: 'CS0001042',
      data: {
        account: { domain: 'umbrella-payments.com', externalId: 'ACCT0001003', name: 'Umbrella Payments' },
        case: {
          id: 'CS0001042', title: 'Card payments declined for all EU customers', url: inserted.url, severity: 2, status: 'new',
          escalationLevel: 0, product: 'Payments Gateway',
        },
        actor: { type: 'customer', name: 'Jordan Blake', email: 'jordan.blake@umbrella-payments.com' },
        comment: { public: true, excerpt: 'Since 09:00 every card payment from EU customers is declined with code 05.' },
      },
    });
  });

  it('maps a priority and an escalation change in one update to two events', () => {
    const result = events(map(priorityAndEscalation));
    expect(result.map((e) => e.type)).toEqual(['forewarn.case.priority_changed', 'forewarn.case.escalated']);
    expect(result.map((e) => e.id)).toEqual(['sn-46e3a8b1db2c1010a1b2c3d4e5f60718-4-priority', 'sn-46e3a8b1db2c1010a1b2c3d4e5f60718-4-escalated']);
    expect(result[0].data).toMatchObject({ case: { severity: 1, escalationLevel: 2 }, reason: 'Priority 3 - Moderate → 1 - Critical' });
  });

  it('maps a proposed solution (Resolved) to case.resolution_proposed and case.resolved, with the close notes', () => {
    const result = events(map(proposed));
    expect(result.map((e) => e.type)).toEqual(['forewarn.case.resolution_proposed', 'forewarn.case.resolved']);
    expect(result[0].data).toMatchObject({ case: { status: 'solved' }, reason: 'Routing switched to the backup acquirer; declines stopped at 17:10.' });
  });

  it('maps a customer rejecting the solution to a reopen, a rejected resolution and the customer comment', () => {
    const result = events(map(rejected));
    expect(result.map((e) => e.type)).toEqual(['forewarn.case.reopened', 'forewarn.case.resolution_rejected', 'forewarn.case.commented']);
    expect(result[1].data).toMatchObject({ actor: { type: 'customer', name: 'Jordan Blake' }, reason: 'The backup acquirer charges us double fees. This is not a solution.' });
    expect(result[2].data).toMatchObject({ actor: { type: 'customer' }, comment: { public: true } });
  });

  it('maps a reassignment and an internal work note', () => {
    const result = events(map(reassigned));
    expect(result.map((e) => e.type)).toEqual(['forewarn.case.assigned', 'forewarn.case.commented']);
    expect(result[0].data).toMatchObject({ assignee: { id: '46d44a23a9fe19810012d100cca80666', name: 'Priya Nair' }, account: { domain: 'initech.com', externalId: '31bea3d53790200044e0bfc8bcbe5dec' } });
    expect(result[1].data).toMatchObject({ actor: { type: 'agent' }, comment: { public: false, excerpt: 'Handing over to network team (Priya).' } });
  });

  it('detects changes from previous values when the rule sends no "changed" list', () => {
    const noList = clone(priorityAndEscalation) as Record<string, unknown>;
    delete noList.changed;
    expect(events(map(noList)).map((e) => e.type)).toEqual(['forewarn.case.priority_changed', 'forewarn.case.escalated']);
  });

  it('maps SLA breaches and surveys, with ids stable across deliveries', () => {
    const [breach] = events(map(slaBreached));
    expect(breach).toMatchObject({ id: 'sn-46e3a8b1db2c1010a1b2c3d4e5f60718-sla-b1f3c9e2db6c1010a1b2c3d4e5f60799', type: 'forewarn.case.sla_breached', data: { reason: 'SLA "Priority 1 resolution (4 hour)" breached' } });
    const [answer] = events(map(survey));
    expect(answer).toMatchObject({ type: 'forewarn.survey.responded', time: '2025-01-10T09:58:31.000Z', data: { survey: { kind: 'csat', score: 1, comment: 'Three days of declines and nobody called us.' } } });
    expect(events(map({ ...survey, survey: { ...survey.survey, kind: 'nps', score: 3, scale: 10 } }))[0].data).toMatchObject({ survey: { kind: 'nps', score: 3 } });
  });

  it('closes deleted records and ignores updates of untracked fields with a reason', () => {
    expect(events(map({ ...reassigned, operation: 'delete' }))[0]).toMatchObject({ type: 'forewarn.case.closed', data: { case: { status: 'closed' } } });
    expect(map(untracked)).toMatchObject({ status: 'ignored', reason: 'Only fields Forewarn does not track changed (sys_tags, watch_list)' });
  });

  it('reads state codes per table: 3 is On Hold for incidents but Closed for CSM cases', () => {
    expect(serviceNowStatus('incident', '3')).toBe('on_hold');
    expect(serviceNowStatus('sn_customerservice_case', '3')).toBe('closed');
    expect(serviceNowStatus('sn_customerservice_case', '18')).toBe('pending');
    expect(serviceNowStatus('u_custom_task', '42', 'Awaiting Vendor')).toBe('pending');
    expect(['1', '2', '3', '4', '5', 'x'].map((p) => serviceNowSeverity(p))).toEqual([1, 2, 3, 4, 4, undefined]);
    expect(serviceNowSeverity(undefined, '1 - Critical')).toBe(1);
  });

  it('uses the time of receipt when sys_updated_on is missing', () => {
    const untimed = clone(priorityAndEscalation) as Record<string, unknown>;
    delete untimed.sys_updated_on;
    expect(events(map(untimed))[0].time).toBe(receivedAt.toISOString());
  });

  // Updated for issue 14: only a body without a ServiceNow sys_id is refused; a record without its
  // number is keyed by its sys_id, an unknown operation is read as an update (and said so), and a
  // survey without a score is ignored with a reason.
  it('names the field of a payload that is not ServiceNow\'s, and never refuses one that is', () => {
    expect(map({ ...inserted, sys_id: 'abc' })).toEqual({ status: 'invalid', errors: [{ field: 'sys_id', message: expect.stringContaining('must be a 32-character ServiceNow sys_id') }] });
    const noNumber = clone(inserted) as Record<string, unknown>;
    delete noNumber.number;
    expect(events(map(noNumber))[0].data).toMatchObject({ case: { id: 'SN-46e3a8b1db2c1010a1b2c3d4e5f60718' } });
    expect(map({ ...priorityAndEscalation, operation: 'merge' })).toMatchObject({ status: 'mapped', ignored: [{ reason: expect.stringContaining('"operation": "merge"') }] });
    expect(map({ ...survey, survey: { comment: 'no score' } })).toMatchObject({ status: 'ignored', reason: expect.stringContaining('without survey.score') });
  });
});
