import { parseInboundEvent } from '@forewarn/contracts';
import type { MappedEvent, MapResult } from '../types';
import { jiraSeverity, jiraStatus, mapJira } from './jira.mapper';
import internalComment from './fixtures/comment-created-internal.json';
import customerComment from './fixtures/issue-commented-by-customer.json';
import created from './fixtures/issue-created.json';
import deleted from './fixtures/issue-deleted.json';
import closedWithSatisfaction from './fixtures/issue-updated-closed-with-satisfaction.json';
import escalatedBreached from './fixtures/issue-updated-escalated-sla-breached.json';
import priorityAndAssignee from './fixtures/issue-updated-priority-and-assignee.json';
import rankOnly from './fixtures/issue-updated-rank-only.json';
import reopened from './fixtures/issue-updated-reopened-by-customer.json';
import resolved from './fixtures/issue-updated-resolved.json';
import sprintStarted from './fixtures/sprint-started.json';

const receivedAt = new Date('2025-01-10T12:00:00Z');
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));
const map = (payload: unknown): MapResult => mapJira(clone(payload), { receivedAt });

function events(result: MapResult): MappedEvent[] {
  if (result.status !== 'mapped') throw new Error(`expected events, got ${JSON.stringify(result)}`);
  for (const event of result.events) {
    const valid = parseInboundEvent(event, { source: '/sources/jira-test', receivedAt });
    if (!valid.ok) throw new Error(`${event.type} breaks the contract: ${JSON.stringify(valid.errors)}`);
  }
  return result.events;
}

describe('Jira Cloud / Jira Service Management webhooks', () => {
  it('maps jira:issue_created to case.opened with the JSM organization, reporter domain and component', () => {
    const [event] = events(map(created));
    expect(event).toEqual({
      specversion: '1.0',
      id: 'jira-10042-created',
      type: 'forewarn.case.opened',
      time: new Date(1736327527481).toISOString(),
      subject: 'SUP-42',
      data: {
        account: { domain: 'acme.com', externalId: '7', name: 'Acme Corp' },
        case: {
          id: 'SUP-42', title: 'Checkout payments failing with 502', url: 'https://acme-support.atlassian.net/browse/SUP-42',
          severity: 2, status: 'open', escalationLevel: 0, product: 'Payments',
        },
        actor: { type: 'customer', name: 'Dana Lee', email: 'dana.lee@acme.com' },
      },
    });
  });

  it('turns one changelog with a priority and an assignee change into two events', () => {
    const result = events(map(priorityAndAssignee));
    expect(result.map((e) => e.type)).toEqual(['forewarn.case.priority_changed', 'forewarn.case.assigned']);
    expect(result.map((e) => e.id)).toEqual(['jira-10042-10301-priority', 'jira-10042-10301-assignee']);
    expect(result[0].data).toMatchObject({ case: { severity: 1 }, reason: 'Priority High → Highest', actor: { type: 'agent', name: 'Sam Ortiz' } });
    expect(result[1].data).toMatchObject({ assignee: { id: '712020:9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d', name: 'Priya Nair' } });
  });

  it('maps a transition to Resolved to case.resolved', () => {
    const [event] = events(map(resolved));
    expect(event).toMatchObject({ type: 'forewarn.case.resolved', id: 'jira-10042-10317-resolved', data: { case: { status: 'solved' }, reason: 'Done' } });
  });

  it('reads a customer reopening a resolved request as a reopen and a rejected resolution', () => {
    const result = events(map(reopened));
    expect(result.map((e) => e.type)).toEqual(['forewarn.case.reopened', 'forewarn.case.resolution_rejected']);
    expect(result[1].data).toMatchObject({ actor: { type: 'customer', name: 'Dana Lee' }, case: { status: 'open' } });
    const byAgent = { ...clone(reopened), user: priorityAndAssignee.user };
    expect(events(map(byAgent)).map((e) => e.type)).toEqual(['forewarn.case.reopened']);
  });

  it('maps a proposed-solution status to case.resolution_proposed', () => {
    const proposed = clone(resolved);
    proposed.issue.fields.status.name = 'Solution proposed';
    proposed.changelog.items[1].toString = 'Solution proposed';
    expect(events(map(proposed))[0]).toMatchObject({ type: 'forewarn.case.resolution_proposed', data: { case: { status: 'solved' } } });
  });

  it('tells a customer comment from an internal agent comment, and counts a comment once whichever webhook carried it', () => {
    const [fromCustomer] = events(map(customerComment));
    expect(fromCustomer).toMatchObject({
      id: 'jira-10042-comment-10087',
      type: 'forewarn.case.commented',
      time: '2025-01-08T14:05:30.123Z',
      data: { actor: { type: 'customer', name: 'Dana Lee' }, comment: { public: true, excerpt: expect.stringContaining('third time this month') } },
    });
    const [internal] = events(map(internalComment));
    expect(internal.data).toMatchObject({ actor: { type: 'agent', name: 'Sam Ortiz' }, comment: { public: false } });
    const sameCommentAsCommentCreated = { timestamp: 1736345130999, webhookEvent: 'comment_created', comment: customerComment.comment, issue: customerComment.issue };
    expect(events(map(sameCommentAsCommentCreated))[0].id).toBe(fromCustomer.id);
  });

  it('reads the text of a comment body in Atlassian Document Format', () => {
    const adf = clone(internalComment);
    (adf.comment as Record<string, unknown>).body = { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Paging ' }, { type: 'text', text: 'on-call.' }] }] };
    expect(events(map(adf))[0].data).toMatchObject({ comment: { excerpt: 'Paging on-call.' } });
  });

  it('maps a move to an Escalated status and a breached JSM SLA, with an SLA id that is the same in later deliveries', () => {
    const result = events(map(escalatedBreached));
    expect(result.map((e) => e.type)).toEqual(['forewarn.case.escalated', 'forewarn.case.sla_breached']);
    expect(result[0].data).toMatchObject({ case: { escalationLevel: 1, status: 'open' } });
    expect(result[1].data).toMatchObject({ reason: 'SLA "Time to resolution" breached', actor: { type: 'system' } });
    const later = clone(escalatedBreached);
    later.timestamp += 60_000;
    const again = events(map({ ...later, changelog: { id: '10399', items: [{ field: 'summary', fieldtype: 'jira', fieldId: 'summary', fromString: 'a', toString: 'b' }] } }));
    expect(again.map((e) => e.type)).toEqual(['forewarn.case.updated', 'forewarn.case.sla_breached']);
    expect(again[1].id).toBe(result[1].id);
  });

  it('maps an escalation label to case.escalated', () => {
    const labelled = clone(priorityAndAssignee);
    labelled.changelog.items = [{ field: 'labels', fieldtype: 'jira', fieldId: 'labels', from: null, fromString: 'checkout', to: null, toString: 'checkout escalated' } as never];
    expect(events(map(labelled)).map((e) => e.type)).toEqual(['forewarn.case.escalated']);
  });

  it('maps closing with a satisfaction rating to case.closed and survey.responded', () => {
    const result = events(map(closedWithSatisfaction));
    expect(result.map((e) => e.type)).toEqual(['forewarn.case.closed', 'forewarn.survey.responded']);
    expect(result[1].data).toMatchObject({ survey: { kind: 'csat', score: 2, comment: 'Fixed in the end, but it took far too long.' }, actor: { type: 'customer' } });
  });

  it('closes deleted issues', () => {
    expect(events(map(deleted))[0]).toMatchObject({ id: 'jira-10042-deleted', type: 'forewarn.case.closed', data: { case: { status: 'closed' } } });
  });

  it('ignores changes to untracked fields and non-issue events, with a reason', () => {
    expect(map(rankOnly)).toMatchObject({ status: 'ignored', reason: 'jira:issue_updated changed only fields Forewarn does not track (Rank)' });
    expect(map(sprintStarted)).toMatchObject({ status: 'ignored', reason: expect.stringContaining('sprint_started is not an issue or comment event') });
    expect(map({ ...internalComment, webhookEvent: 'comment_updated' })).toMatchObject({ status: 'ignored', reason: expect.stringContaining('comment_updated') });
  });

  // Updated for issue 14: without a timestamp the issue's own `updated` time comes before the receipt time.
  it('uses the issue\'s updated time, then the time of receipt, when the delivery has no timestamp', () => {
    const { timestamp: _dropped, ...untimed } = clone(created);
    expect(events(map(untimed))[0].time).toBe(new Date(created.issue.fields.updated).toISOString());
    delete (untimed.issue.fields as Record<string, unknown>).updated;
    expect(events(map(untimed))[0].time).toBe(receivedAt.toISOString());
  });

  it('gives a retried delivery the same event ids', () => {
    expect(events(map(priorityAndAssignee)).map((e) => e.id)).toEqual(events(map(priorityAndAssignee)).map((e) => e.id));
  });

  // Updated for issue 14: only a body that is not a Jira delivery (no webhookEvent, an issue without
  // its key) is refused; an unreadable timestamp falls back, and an issue without a reporter is
  // still mapped (its project names the account until a customer does).
  it('names the field of a payload that is not Jira\'s, and never refuses one that is', () => {
    expect(map({ issue: created.issue })).toEqual({ status: 'invalid', errors: [{ field: 'webhookEvent', message: expect.stringContaining('is required') }] });
    expect(map({ ...created, issue: { id: '1', fields: {} } })).toEqual({ status: 'invalid', errors: [{ field: 'issue.key', message: expect.stringContaining('is required') }] });
    expect(events(map({ ...created, timestamp: 'yesterday' }))[0].time).toBe(new Date(created.issue.fields.updated).toISOString());
    const noReporter = clone(created);
    noReporter.issue.fields = { summary: 'x', status: created.issue.fields.status } as never;
    // The customer who created it names the account; with nobody at all, the project does.
    expect(events(map(noReporter))[0]).toMatchObject({ type: 'forewarn.case.opened', data: { account: { domain: 'acme.com' }, actor: { type: 'customer' } } });
    const nobody = { ...noReporter, user: undefined };
    expect(events(map(nobody))[0]).toMatchObject({ type: 'forewarn.case.opened', data: { account: { externalId: 'project:SUP' } } });
    expect(events(map(nobody))[0].data.actor).toBeUndefined();
  });

  it('maps priorities and statuses by name, with Jira default priority ids as a fallback', () => {
    expect(['Highest', 'Blocker', 'High', 'Major', 'Medium', 'Low', 'Lowest', 'Trivial'].map((n) => jiraSeverity(n))).toEqual([1, 1, 2, 2, 3, 4, 4, 4]);
    expect(jiraSeverity('Custom', '5')).toBe(4);
    expect([
      jiraStatus('Waiting for customer', 'indeterminate'), jiraStatus('Waiting for support', 'new'), jiraStatus('In Progress', 'indeterminate'),
      jiraStatus('Resolved', 'done'), jiraStatus('Closed', 'done'), jiraStatus('Canceled', 'done'), jiraStatus('To Do', 'new'), jiraStatus('Shipped', 'done'),
    ]).toEqual(['pending', 'open', 'open', 'solved', 'closed', 'closed', 'new', 'closed']);
  });
});
