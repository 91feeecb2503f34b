import { parseInboundEvent } from '@forewarn/contracts';
import type { MappedEvent, MapResult } from '../types';
import { mapZendesk, zendeskSeverity, zendeskStatus } from './zendesk.mapper';
import assignment from './fixtures/event-agent-assignment-changed.json';
import agentNote from './fixtures/event-comment-added-agent-private.json';
import customerComment from './fixtures/event-comment-added-customer.json';
import formChanged from './fixtures/event-form-changed.json';
import priorityChanged from './fixtures/event-priority-changed.json';
import solved from './fixtures/event-status-changed-solved.json';
import reopened from './fixtures/event-status-reopened-by-requester.json';
import escalated from './fixtures/event-tags-changed-escalated.json';
import created from './fixtures/event-ticket-created.json';
import userEvent from './fixtures/event-user-active-changed.json';
import triggerComment from './fixtures/trigger-comment.json';
import triggerCreated from './fixtures/trigger-created.json';
import triggerSatisfaction from './fixtures/trigger-satisfaction-bad.json';

const receivedAt = new Date('2025-01-10T12:00:00Z');
const map = (payload: unknown): MapResult => mapZendesk(JSON.parse(JSON.stringify(payload)), { receivedAt });

/** The mapped events, each checked against the inbound event contract the gateway applies. */
function events(result: MapResult): MappedEvent[] {
  if (result.status !== 'mapped') throw new Error(`expected events, got ${JSON.stringify(result)}`);
  for (const event of result.events) {
    const valid = parseInboundEvent(event, { source: '/sources/zendesk-test', receivedAt });
    if (!valid.ok) throw new Error(`${event.type} breaks the contract: ${JSON.stringify(valid.errors)}`);
  }
  return result.events;
}

describe('Zendesk event webhooks (zen:event-type:ticket.*)', () => {
  it('maps ticket.created to case.opened with the Zendesk event id and the organization as external id', () => {
    const [event] = events(map(created));
    expect(event).toMatchObject({
      id: 'zd-01HNX3D9Q0Z5YV3K8M2T6R4W1A',
      type: 'forewarn.case.opened',
      time: '2025-01-08T10:12:07.481Z',
      subject: 'ZD-5158',
      data: {
        account: { externalId: '360001' },
        case: { id: 'ZD-5158', title: 'Checkout payments failing with 502', severity: 2, status: 'new', escalationLevel: 0 },
        actor: { type: 'customer' },
      },
    });
  });

  it('maps a change to solved to case.resolved', () => {
    expect(events(map(solved)).map((e) => [e.type, e.data.case])).toEqual([['forewarn.case.resolved', expect.objectContaining({ status: 'solved' })]]);
  });

  it('reads a requester reopening a solved ticket as a reopen and a rejected resolution', () => {
    const result = events(map(reopened));
    expect(result.map((e) => e.type)).toEqual(['forewarn.case.reopened', 'forewarn.case.resolution_rejected']);
    expect(result.map((e) => e.id)).toEqual(['zd-c0ffee01-7d2a-4c55-9a1e-3b8f6d2e4a10', 'zd-c0ffee01-7d2a-4c55-9a1e-3b8f6d2e4a10-rejected']);
    expect(result[1].data).toMatchObject({ actor: { type: 'customer' }, case: { status: 'open' } });
  });

  it('reads an agent reopening as a reopen only', () => {
    const byAgent = { ...reopened, detail: { ...reopened.detail, actor_id: '8447388090495' } };
    expect(events(map(byAgent)).map((e) => e.type)).toEqual(['forewarn.case.reopened']);
  });

  it('maps priority changes to severity (urgent 1, high 2, normal 3, low 4)', () => {
    const [event] = events(map(priorityChanged));
    expect(event.type).toBe('forewarn.case.priority_changed');
    expect(event.data.case).toMatchObject({ severity: 1 });
    expect([zendeskSeverity('URGENT'), zendeskSeverity('High'), zendeskSeverity('normal'), zendeskSeverity('LOW'), zendeskSeverity(null)]).toEqual([1, 2, 3, 4, undefined]);
  });

  it('maps statuses, including hold and the deleted/archived states', () => {
    expect(['NEW', 'OPEN', 'PENDING', 'HOLD', 'SOLVED', 'CLOSED', 'DELETED', 'Open'].map(zendeskStatus)).toEqual(['new', 'open', 'pending', 'on_hold', 'solved', 'closed', 'closed', 'open']);
  });

  it('maps agent reassignment to case.assigned', () => {
    const [event] = events(map(assignment));
    expect(event).toMatchObject({ type: 'forewarn.case.assigned', data: { assignee: { id: '8447388090777' } } });
  });

  it('tells customer comments from private agent notes', () => {
    const [fromCustomer] = events(map(customerComment));
    expect(fromCustomer.data).toMatchObject({
      actor: { type: 'customer', name: 'Dana Lee' },
      comment: { public: true, excerpt: expect.stringContaining('The workaround doubles our card fees') },
    });
    const [fromAgent] = events(map(agentNote));
    expect(fromAgent.data).toMatchObject({ actor: { type: 'agent', name: 'Sam Ortiz' }, comment: { public: false } });
  });

  it('maps an added escalation tag to case.escalated and its removal to case.de_escalated', () => {
    const [event] = events(map(escalated));
    expect(event).toMatchObject({ type: 'forewarn.case.escalated', data: { case: { escalationLevel: 1 } } });
    const removed = { ...escalated, event: { tags_added: [], tags_removed: ['escalated'] }, detail: { ...escalated.detail, tags: ['checkout'] } };
    expect(events(map(removed))[0]).toMatchObject({ type: 'forewarn.case.de_escalated', data: { case: { escalationLevel: 0 } } });
    const unrelated = { ...escalated, event: { tags_added: ['vip'], tags_removed: [] } };
    expect(map(unrelated)).toMatchObject({ status: 'ignored', reason: expect.stringContaining('no escalation tag') });
  });

  it('closes deleted, merged and spam tickets', () => {
    for (const type of ['ticket.soft_deleted', 'ticket.merged', 'ticket.marked_as_spam']) {
      const [event] = events(map({ ...created, type: `zen:event-type:${type}` }));
      expect(event).toMatchObject({ type: 'forewarn.case.closed', data: { case: { status: 'closed' } } });
    }
  });

  it('ignores ticket events that change nothing Forewarn tracks, and non-ticket events, with a reason', () => {
    expect(map(formChanged)).toMatchObject({ status: 'ignored', reason: 'zen:event-type:ticket.form_changed does not change how Forewarn sees the case' });
    expect(map(userEvent)).toMatchObject({ status: 'ignored', reason: expect.stringContaining('not about a ticket') });
  });

  it('gives a retried delivery the same event ids', () => {
    expect(events(map(reopened)).map((e) => e.id)).toEqual(events(map(reopened)).map((e) => e.id));
  });

  // Updated for issue 14: only a body without a ticket is refused. An event without its id gets
  // one from its content; a comment event without the comment is still the comment (no excerpt).
  it('names the field of a payload that is not Zendesk\'s, and never refuses one that is', () => {
    expect(map({ ...created, detail: undefined })).toEqual({ status: 'invalid', errors: [{ field: 'detail', message: 'is required' }] });
    expect(map({ ...created, detail: { subject: 'no id' } })).toEqual({ status: 'invalid', errors: [{ field: 'detail.id', message: 'is required' }] });
    const [noId] = events(map({ ...created, id: undefined }));
    expect(noId.id).toMatch(/^zd-e-[0-9a-f]{32}$/);
    expect(events(map({ ...created, id: undefined }))[0].id).toBe(noId.id);
    expect(events(map({ ...customerComment, event: {} }))[0]).toMatchObject({ type: 'forewarn.case.commented', data: { actor: { type: 'customer' }, comment: {} } });
    expect(map({ type: 'ticket_created' })).toEqual({ status: 'invalid', errors: [{ field: 'ticket.id', message: expect.stringContaining('is required') }] });
    expect(map([1])).toEqual({ status: 'invalid', errors: [{ field: '(body)', message: 'must be a JSON object' }] });
  });
});

describe('Zendesk trigger and automation webhooks (Forewarn template)', () => {
  it('maps a customer comment with the account by email domain and the organization', () => {
    const [event] = events(map(triggerComment));
    expect(event).toMatchObject({
      type: 'forewarn.case.commented',
      time: '2025-01-09T08:02:00.000Z',
      data: {
        account: { domain: 'acme.com', externalId: '360001', name: 'Acme Corp' },
        case: { id: 'ZD-5158', url: 'https://acme-support.zendesk.com/agent/tickets/5158', severity: 2, status: 'open', escalationLevel: 0 },
        actor: { type: 'customer', name: 'Dana Lee', email: 'dana.lee@acme.com' },
        comment: { excerpt: 'This is the third time this month. The workaround doubles our card fees.' },
      },
    });
    expect(event.id).toMatch(/^zd-[0-9a-f]{32}$/);
  });

  it('maps a bad satisfaction rating to survey.responded (CSAT 1)', () => {
    const [event] = events(map(triggerSatisfaction));
    expect(event).toMatchObject({ type: 'forewarn.survey.responded', data: { survey: { kind: 'csat', score: 1, comment: 'Nobody listened until we threatened to leave.' } } });
    const repeatedLater = { ...triggerSatisfaction, change: undefined, ticket: { ...triggerSatisfaction.ticket, updated_at: '2025-01-12T10:00Z' } };
    expect(events(map(repeatedLater))[0].id).toBe(event.id);
    const offered = { ...triggerSatisfaction, satisfaction: { rating: 'Offered', comment: '' } };
    expect(map(offered)).toMatchObject({ status: 'ignored', reason: expect.stringContaining('not a score') });
  });

  it('maps a created ticket with urgent priority and an escalation tag', () => {
    const [event] = events(map(triggerCreated));
    expect(event).toMatchObject({ type: 'forewarn.case.opened', data: { case: { severity: 1, status: 'new', escalationLevel: 1 } } });
  });

  it('maps status triggers: solved, and a customer reopening as a rejected resolution', () => {
    const solvedTrigger = { ...triggerComment, change: 'status', ticket: { ...triggerComment.ticket, status: 'Solved' }, current_user: { name: 'Sam Ortiz', email: 'sam@support.example' } };
    expect(events(map(solvedTrigger)).map((e) => e.type)).toEqual(['forewarn.case.resolved']);
    const reopenedTrigger = { ...triggerComment, change: 'status', previous_status: 'solved' };
    expect(events(map(reopenedTrigger)).map((e) => e.type)).toEqual(['forewarn.case.reopened', 'forewarn.case.resolution_rejected']);
  });

  it('maps priority, assignee and escalation triggers', () => {
    expect(events(map({ ...triggerComment, change: 'priority' }))[0].type).toBe('forewarn.case.priority_changed');
    expect(events(map({ ...triggerComment, change: 'assignee' }))[0]).toMatchObject({ type: 'forewarn.case.assigned', data: { assignee: { id: '8447388090495', name: 'Sam Ortiz' } } });
    expect(events(map({ ...triggerComment, change: 'escalated' }))[0].type).toBe('forewarn.case.escalated');
  });

  it('uses the time of receipt when the template carries no update time (the creation time dates only an opening)', () => {
    const noTime = { ...triggerComment, ticket: { ...triggerComment.ticket, updated_at: '{{ticket.updated_at_with_timestamp}}' } };
    expect(events(map(noTime))[0].time).toBe(receivedAt.toISOString());
  });

  it('derives ids from the content: the same delivery twice is the same id, another comment another id', () => {
    const first = events(map(triggerComment))[0].id;
    expect(events(map(triggerComment))[0].id).toBe(first);
    const other = { ...triggerComment, ticket: { ...triggerComment.ticket, latest_comment: 'Any update?' } };
    expect(events(map(other))[0].id).not.toBe(first);
  });

  // Updated for issue 14: an unknown `change` is read as a snapshot with a reason, and a ticket
  // naming nobody is ignored (202); only JSON with no ticket id or link at all is refused.
  it('refuses only JSON without a ticket, and says what it could not read', () => {
    expect(map({ ...triggerComment, change: 'exploded' })).toMatchObject({ status: 'mapped', events: [{ type: 'forewarn.case.updated' }], ignored: [{ reason: expect.stringContaining('"change": "exploded"') }] });
    expect(map({ ticket: { title: 'x' } })).toEqual({ status: 'invalid', errors: [{ field: 'ticket.id', message: expect.stringContaining('is required') }] });
    const anonymous = { change: 'comment', ticket: { id: '1', latest_comment: 'hi' } };
    expect(map(anonymous)).toMatchObject({ status: 'ignored', reason: expect.stringContaining('no account can be told') });
    expect(map({})).toEqual({ status: 'invalid', errors: [{ field: 'ticket.id', message: expect.stringContaining('is required') }] });
  });
});
