import { validEvents } from '../testing';
import type { MapResult } from '../types';
import { mapFreshdesk } from './freshdesk.mapper';
// Sources: fixtures/_sources.md (Freshdesk's "Using webhooks in automation rules", simple and advanced modes; the API v2 ticket object).
import apiTimes from './fixtures/api-times-no-triggered-event.json';
import simpleCreated from './fixtures/simple-mode-ticket-created.json';
import emptyEvent from './fixtures/triggered-event-empty.json';

const receivedAt = new Date('2025-01-20T12:00:00Z');
const map = (payload: unknown, settings?: Record<string, unknown>): MapResult => mapFreshdesk(JSON.parse(JSON.stringify(payload)), { receivedAt, settings });
const events = (result: MapResult) => validEvents(result, receivedAt);

describe('Freshdesk, as documented (issue 14)', () => {
  it('maps a delivery whose {{triggered_event}} rendered empty as a snapshot, dated by the ticket\'s modification time in the helpdesk\'s zone', () => {
    const [event] = events(map(emptyEvent, { timezone: 'Asia/Kolkata' }));
    expect(event).toMatchObject({ type: 'forewarn.case.resolved', time: '2025-01-09T08:35:00.000Z', data: { case: { id: 'FD-4711', status: 'solved' } } });
    // Without a timezone setting, a time rendered without a zone is UTC.
    expect(events(map(emptyEvent))[0].time).toBe('2025-01-09T14:05:00.000Z');
  });

  it('uses the ticket\'s modification time, so a delivery retried hours later keeps its place', () => {
    const [event] = events(map(apiTimes));
    expect(event).toMatchObject({ type: 'forewarn.case.updated', time: '2025-01-09T08:35:11.000Z', data: { case: { status: 'pending' } } });
    const retried = mapFreshdesk(JSON.parse(JSON.stringify(apiTimes)), { receivedAt: new Date('2025-01-20T18:00:00Z') });
    expect(retried).toMatchObject({ status: 'mapped', events: [{ id: event.id, time: event.time }] });
  });

  it('maps a "ticket is created" rule in simple mode to case.opened, the contact and company as Freshdesk names them', () => {
    const [event] = events(map(simpleCreated));
    expect(event).toMatchObject({
      type: 'forewarn.case.opened',
      subject: 'FD-4713',
      data: { account: { domain: 'initech.com', name: 'Initech' }, case: { id: 'FD-4713', status: 'open', severity: 3 }, actor: { type: 'customer', name: 'Omar Haddad', email: 'omar@initech.com' } },
    });
  });
});
