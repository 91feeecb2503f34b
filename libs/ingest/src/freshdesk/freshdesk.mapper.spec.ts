import { parseInboundEvent } from '@forewarn/contracts';
import type { MappedEvent, MapResult } from '../types';
import { freshdeskSeverity, freshdeskStatus, mapFreshdesk, parseTriggeredEvent } from './freshdesk.mapper';
import reassigned from './fixtures/agent-reassigned.json';
import numericTemplate from './fixtures/custom-template-numeric.json';
import feedback from './fixtures/customer-feedback.json';
import priorityChanged from './fixtures/priority-changed.json';
import privateNote from './fixtures/private-note.json';
import publicNote from './fixtures/public-note.json';
import reopened from './fixtures/status-reopened.json';
import resolved from './fixtures/status-resolved.json';
import created from './fixtures/ticket-created.json';
import timeEntry from './fixtures/time-entry-added.json';

const receivedAt = new Date('2025-01-10T12:00:00Z');
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));
const map = (payload: unknown): MapResult => mapFreshdesk(clone(payload), { receivedAt });

function events(result: MapResult): MappedEvent[] {
  if (result.status !== 'mapped') throw new Error(`expected events, got ${JSON.stringify(result)}`);
  for (const event of result.events) {
    const valid = parseInboundEvent(event, { source: '/sources/freshdesk-test', receivedAt });
    if (!valid.ok) throw new Error(`${event.type} breaks the contract: ${JSON.stringify(valid.errors)}`);
  }
  return result.events;
}

describe('Freshdesk automation webhooks', () => {
  it('maps {ticket_action:created} to case.opened, with the time of receipt (Freshdesk sends none)', () => {
    const [event] = events(map(created));
    expect(event).toMatchObject({
      type: 'forewarn.case.opened',
      time: receivedAt.toISOString(),
      subject: 'FD-4711',
      data: {
        account: { domain: 'globex.io', externalId: '103000123', name: 'Globex' },
        case: { id: 'FD-4711', title: 'Invoices export times out', url: 'https://acme.freshdesk.com/helpdesk/tickets/4711', severity: 2, status: 'open', escalationLevel: 0 },
        actor: { type: 'customer', name: 'Lena Park', email: 'lena.park@globex.io' },
      },
    });
    expect(event.id).toMatch(/^fd-[0-9a-f]{32}$/);
  });

  it('maps status codes: to 4 is resolved, from 4 back to 2 is a reopen', () => {
    expect(events(map(resolved))[0]).toMatchObject({ type: 'forewarn.case.resolved', data: { case: { status: 'solved' }, actor: { type: 'agent', name: 'Chris Dunn' } } });
    expect(events(map(reopened))[0]).toMatchObject({ type: 'forewarn.case.reopened', data: { case: { status: 'open' } } });
    const closed = clone(resolved);
    closed.freshdesk_webhook.triggered_event = '{status:{from:4,to:5}}';
    closed.freshdesk_webhook.ticket_status = 'Closed';
    expect(events(map(closed))[0].type).toBe('forewarn.case.closed');
    const pending = clone(resolved);
    pending.freshdesk_webhook.triggered_event = '{status:{from:2,to:3}}';
    pending.freshdesk_webhook.ticket_status = 'Pending';
    expect(events(map(pending))[0]).toMatchObject({ type: 'forewarn.case.updated', data: { case: { status: 'pending' } } });
  });

  it('maps priority codes 1 low … 4 urgent to severity 4 … 1', () => {
    expect(events(map(priorityChanged))[0]).toMatchObject({ type: 'forewarn.case.priority_changed', data: { case: { severity: 1 } } });
    expect([1, 2, 3, 4, '4', 'Urgent', 'low', 9].map(freshdeskSeverity)).toEqual([4, 3, 2, 1, 1, 1, 4, undefined]);
  });

  it('maps statuses by code and by name; custom statuses (6+) count as open unless named otherwise', () => {
    expect([2, 3, 4, 5, '5', 'Resolved', 'Waiting on Customer'].map((v) => freshdeskStatus(v))).toEqual(['open', 'pending', 'solved', 'closed', 'closed', 'solved', 'pending']);
    expect(freshdeskStatus(6)).toBe('open');
    expect(freshdeskStatus(7, 'Waiting on Customer')).toBe('pending');
  });

  it('maps a responder change to case.assigned', () => {
    expect(events(map(reassigned))[0]).toMatchObject({ type: 'forewarn.case.assigned', data: { assignee: { id: '80011229988', name: 'Alex Moreau' } } });
  });

  it('maps public and private notes with their text, HTML stripped', () => {
    expect(events(map(publicNote))[0].data).toMatchObject({ actor: { type: 'agent' }, comment: { public: true, excerpt: 'Engineering has a fix; rolling out tonight.' } });
    expect(events(map(privateNote))[0].data).toMatchObject({ comment: { public: false, excerpt: 'Customer is in renewal talks, handle with care.' } });
  });

  it('maps a customer reply to a customer comment', () => {
    const reply = clone(reopened);
    reply.freshdesk_webhook.triggered_event = '{customer_reply:received}';
    expect(events(map(reply))[0].data).toMatchObject({ actor: { type: 'customer', email: 'lena.park@globex.io' }, comment: { public: true, excerpt: 'Still failing for me, same error.' } });
  });

  it('maps customer feedback to survey.responded on the CSAT scale', () => {
    expect(events(map(feedback))[0]).toMatchObject({ type: 'forewarn.survey.responded', data: { survey: { kind: 'csat', score: 1, comment: 'Took a week and three escalations.' }, actor: { type: 'customer' } } });
    const unrated = clone(feedback);
    unrated.freshdesk_webhook.satisfaction_rating = '';
    unrated.freshdesk_webhook.triggered_event = '{customer_feedback:}';
    expect(map(unrated)).toMatchObject({ status: 'ignored', reason: expect.stringContaining('without a rating') });
  });

  it('reads the rating the trigger names when the template has no rating field (the README template)', () => {
    const fromTrigger = clone(feedback) as { freshdesk_webhook: Record<string, unknown> };
    delete fromTrigger.freshdesk_webhook.satisfaction_rating;
    fromTrigger.freshdesk_webhook.triggered_event = '{customer_feedback:Extremely happy}';
    expect(events(map(fromTrigger))[0]).toMatchObject({ type: 'forewarn.survey.responded', data: { survey: { kind: 'csat', score: 5 } } });
    fromTrigger.freshdesk_webhook.triggered_event = '{customer_feedback:-102}';
    expect(events(map(fromTrigger))[0]).toMatchObject({ data: { survey: { score: 1 } } });
  });

  it('accepts a custom JSON template with numeric codes and nested ticket fields', () => {
    const [event] = events(map(numericTemplate));
    expect(event).toMatchObject({
      type: 'forewarn.case.updated',
      data: { account: { domain: 'initech.com', externalId: '103000456', name: 'Initech' }, case: { id: 'FD-4712', status: 'pending', severity: 1, escalationLevel: 1 } },
    });
  });

  it('without {{triggered_event}}, describes the ticket as it is now', () => {
    const snapshot = clone(resolved) as { freshdesk_webhook: Record<string, unknown> };
    delete snapshot.freshdesk_webhook.triggered_event;
    expect(events(map(snapshot))[0].type).toBe('forewarn.case.resolved');
  });

  it('ignores events that change nothing Forewarn tracks, with a reason', () => {
    expect(map(timeEntry)).toMatchObject({ status: 'ignored', reason: expect.stringContaining('{time_sheet_action:…}') });
  });

  it('gives a retried delivery the same id, and a different change a different id', () => {
    const id = events(map(resolved))[0].id;
    expect(events(map(resolved))[0].id).toBe(id);
    expect(events(map(reopened))[0].id).not.toBe(id);
  });

  // Updated for issue 14: an unreadable {{triggered_event}} is a snapshot with a reason, and a
  // ticket naming no customer is ignored (202) rather than refused; only a missing ticket id is 400.
  it('names the field of a payload that is not Freshdesk\'s, and never refuses one that is', () => {
    const noId = clone(created) as { freshdesk_webhook: Record<string, unknown> };
    delete noId.freshdesk_webhook.ticket_id;
    expect(map(noId)).toEqual({ status: 'invalid', errors: [{ field: 'freshdesk_webhook.ticket_id', message: 'is required' }] });
    const badEvent = clone(created);
    badEvent.freshdesk_webhook.triggered_event = 'created';
    // A new, unanswered, unassigned open ticket read as it is now is an opening.
    expect(map(badEvent)).toMatchObject({ status: 'mapped', events: [{ type: 'forewarn.case.opened' }], ignored: [{ reason: expect.stringContaining('triggered_event "created"') }] });
    const nobody = clone(created) as { freshdesk_webhook: Record<string, unknown> };
    delete nobody.freshdesk_webhook.requester_email;
    delete nobody.freshdesk_webhook.company_id;
    expect(map(nobody)).toMatchObject({ status: 'ignored', ignored: [{ reason: expect.stringContaining('no account can be told') }] });
    expect(map({ ticket_id: '{{ticket.id}}' })).toEqual({ status: 'invalid', errors: [{ field: 'ticket_id', message: 'is required' }] });
  });

  it('parses {{triggered_event}}', () => {
    expect(parseTriggeredEvent('{ticket_action:created}')).toEqual({ name: 'ticket_action', value: 'created' });
    expect(parseTriggeredEvent('{status:{from:4,to:6}}')).toEqual({ name: 'status', from: '4', to: '6' });
    expect(parseTriggeredEvent('{"priority":{"from":"1","to":"4"}}')).toEqual({ name: 'priority', from: '1', to: '4' });
    expect(parseTriggeredEvent('nonsense')).toBeUndefined();
  });
});
