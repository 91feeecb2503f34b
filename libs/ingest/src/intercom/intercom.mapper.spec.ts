import { parseInboundEvent } from '@forewarn/contracts';
import { intercomSignature, verifyIntercomSignature } from '../signatures';
import type { MappedEvent, MapResult } from '../types';
import { intercomTicketStatus, mapIntercom } from './intercom.mapper';
// Sources of every fixture: fixtures/_sources.md (Intercom's webhook models and signed notifications,
// intercom-node's Conversation, ConversationPart, ConversationRating, SlaApplied, Ticket, TicketState, TicketPart types).
import contactCreated from './fixtures/contact-user-created.json';
import assigned from './fixtures/conversation-admin-assigned.json';
import closed from './fixtures/conversation-admin-closed.json';
import noted from './fixtures/conversation-admin-noted.json';
import adminReplied from './fixtures/conversation-admin-replied.json';
import deleted from './fixtures/conversation-deleted-minimal.json';
import tagged from './fixtures/conversation-part-tag-created.json';
import priorityMissed from './fixtures/conversation-priority-updated-sla-missed.json';
import rated from './fixtures/conversation-rating-added.json';
import legacy from './fixtures/conversation-user-created-api-1x.json';
import created from './fixtures/conversation-user-created.json';
import userReplied from './fixtures/conversation-user-replied.json';
import ping from './fixtures/ping.json';
import ticketReplied from './fixtures/ticket-contact-replied.json';
import ticketCreated from './fixtures/ticket-created.json';
import ticketReopened from './fixtures/ticket-state-updated-reopened-by-customer.json';
import ticketResolved from './fixtures/ticket-state-updated-resolved.json';

const receivedAt = new Date('2025-01-20T12:00:00Z');
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));
const map = (payload: unknown): MapResult => mapIntercom(clone(payload), { receivedAt });

function events(result: MapResult): MappedEvent[] {
  if (result.status !== 'mapped') throw new Error(`expected events, got ${JSON.stringify(result)}`);
  for (const event of result.events) {
    const valid = parseInboundEvent(event, { source: '/sources/intercom-test', receivedAt, refuseFuture: true });
    if (!valid.ok) throw new Error(`${event.type} breaks the contract: ${JSON.stringify(valid.errors)}`);
  }
  return result.events;
}

describe('Intercom conversation webhooks', () => {
  it('maps conversation.user.created to case.opened, the company as the account (its company_id as the CRM id)', () => {
    const [event] = events(map(created));
    expect(event).toEqual({
      specversion: '1.0',
      id: 'ic-notif_1f0c2e4a-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
      type: 'forewarn.case.opened',
      time: '2025-01-08T09:12:07.000Z',
      subject: 'IC-C215468954312',
      data: {
        account: { id: 'acme-crm-0042', domain: 'acme.com', externalId: '6762f0b51bb69f9f2193bb7f', name: 'Acme Corp' },
        case: { id: 'IC-C215468954312', title: 'Checkout payments are failing with 502 since this morning.', severity: 3, status: 'open', escalationLevel: 0 },
        actor: { type: 'customer', name: 'Dana Lee', email: 'dana.lee@acme.com' },
        comment: { public: true, excerpt: 'Checkout payments are failing with 502 since this morning.' },
      },
    });
  });

  it('tells customer replies, teammate replies and internal notes apart, from the newest part', () => {
    expect(events(map(userReplied))[0]).toMatchObject({
      type: 'forewarn.case.commented',
      data: { actor: { type: 'customer', name: 'Dana Lee' }, comment: { public: true, excerpt: 'This is the third time this month. The workaround doubles our card fees.' } },
    });
    expect(events(map(adminReplied))[0]).toMatchObject({ type: 'forewarn.case.commented', data: { actor: { type: 'agent', name: 'Sam Ortiz' }, comment: { public: true } } });
    expect(events(map(noted))[0]).toMatchObject({ type: 'forewarn.case.commented', data: { comment: { public: false, excerpt: 'Renewal talks next week, handle with care.' } } });
  });

  it('maps assignment, closing (resolved: a reply reopens it), tags and priority with a missed SLA', () => {
    expect(events(map(assigned))[0]).toMatchObject({ type: 'forewarn.case.assigned', data: { assignee: { id: '991300' } } });
    expect(events(map(closed))[0]).toMatchObject({ type: 'forewarn.case.resolved', data: { case: { status: 'solved' } } });
    expect(events(map(tagged))[0]).toMatchObject({ type: 'forewarn.case.escalated', data: { case: { escalationLevel: 1 }, reason: 'Tagged escalated in Intercom' } });
    const result = events(map(priorityMissed));
    expect(result.map((e) => e.type)).toEqual(['forewarn.case.priority_changed', 'forewarn.case.sla_breached']);
    expect(result[0].data).toMatchObject({ case: { severity: 2 } });
    expect(result[1].data).toMatchObject({ reason: 'SLA "Enterprise first response (1h)" missed', actor: { type: 'system' } });
    // The SLA is state: the next notification about the same conversation gives the same id.
    const later = clone(priorityMissed);
    later.id = 'notif_later';
    expect(events(map(later))[1].id).toBe(result[1].id);
  });

  it('maps conversation.rating.added to survey.responded (CSAT 1–5 with the remark), once per rating', () => {
    const [survey] = events(map(rated));
    expect(survey).toMatchObject({ type: 'forewarn.survey.responded', time: '2025-01-09T05:20:00.000Z', data: { survey: { kind: 'csat', score: 1, comment: 'Nobody listened until we threatened to leave.' }, actor: { type: 'customer' } } });
    const resent = clone(rated);
    resent.id = 'notif_other';
    expect(events(map(resent))[0].id).toBe(survey.id);
  });

  it('reads API 1.x conversations (conversation_message, user)', () => {
    expect(events(map(legacy))[0]).toMatchObject({ type: 'forewarn.case.opened', data: { account: { domain: 'globex.io' }, actor: { type: 'customer', email: 'alice@globex.io' } } });
  });
});

describe('Intercom ticket webhooks', () => {
  it('maps ticket.created with the ticket title and the customer from its parts', () => {
    expect(events(map(ticketCreated))[0]).toMatchObject({
      type: 'forewarn.case.opened',
      subject: 'IC-T1295',
      data: { account: { domain: 'globex.io' }, case: { id: 'IC-T1295', title: 'Invoices export times out', status: 'new' }, reason: 'Bug report' },
    });
  });

  it('maps ticket states: to resolved is a resolution; a customer moving it back is a reopen and a rejected resolution', () => {
    expect(events(map(ticketResolved)).map((e) => e.type)).toEqual(['forewarn.case.resolved']);
    const reopened = events(map(ticketReopened));
    expect(reopened.map((e) => e.type)).toEqual(['forewarn.case.reopened', 'forewarn.case.resolution_rejected']);
    expect(reopened[0].data).toMatchObject({ case: { status: 'open' }, actor: { type: 'customer' } });
    expect(['submitted', 'in_progress', 'waiting_on_customer', 'resolved', { category: 'resolved' }].map(intercomTicketStatus)).toEqual(['new', 'open', 'pending', 'solved', 'solved']);
  });

  it('maps a contact reply to a customer comment', () => {
    expect(events(map(ticketReplied))[0]).toMatchObject({ type: 'forewarn.case.commented', data: { actor: { type: 'customer', name: 'Lena Park' }, comment: { public: true, excerpt: 'Still failing for me, same error.' } } });
  });
});

describe('Intercom deliveries that yield nothing, and bodies that are not Intercom\'s', () => {
  it('ignores ping, contact topics and a deletion that names no account, each with a reason', () => {
    expect(map(ping)).toMatchObject({ status: 'ignored', ignored: [{ reason: expect.stringContaining('ping') }] });
    expect(map(contactCreated)).toMatchObject({ status: 'ignored', ignored: [{ reason: expect.stringContaining('not about a conversation or ticket') }] });
    expect(map(deleted)).toMatchObject({ status: 'ignored', ignored: [{ reason: expect.stringContaining('names no company or contact') }] });
  });

  it('refuses only a body that is not a notification', () => {
    expect(map({ hello: 'world' })).toEqual({ status: 'invalid', errors: [{ field: 'topic', message: expect.stringContaining('is required') }] });
    expect(map({ topic: 'conversation.user.replied', data: {} })).toEqual({ status: 'invalid', errors: [{ field: 'data.item.id', message: expect.stringContaining('is required') }] });
  });

  it('gives a retried notification the same ids', () => {
    expect(events(map(userReplied)).map((e) => e.id)).toEqual(events(map(userReplied)).map((e) => e.id));
  });
});

describe('Intercom signatures (X-Hub-Signature: sha1=…)', () => {
  const rawBody = Buffer.from(JSON.stringify(userReplied));
  it('accepts the HMAC-SHA1 of the body with the client secret, and refuses anything else', () => {
    const signature = intercomSignature('client-secret', rawBody);
    expect(signature).toMatch(/^sha1=[0-9a-f]{40}$/);
    expect(verifyIntercomSignature({ secret: 'client-secret', rawBody, signature })).toEqual({ ok: true });
    expect(verifyIntercomSignature({ secret: 'other', rawBody, signature })).toMatchObject({ ok: false, reason: 'bad' });
    expect(verifyIntercomSignature({ secret: 'client-secret', rawBody, signature: undefined })).toMatchObject({ ok: false, reason: 'missing' });
    expect(verifyIntercomSignature({ secret: 'client-secret', rawBody, signature: 'sha256=abc' })).toMatchObject({ ok: false, reason: 'malformed' });
  });
});
