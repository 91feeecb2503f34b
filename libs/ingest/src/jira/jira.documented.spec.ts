import { validEvents } from '../testing';
import type { MapResult } from '../types';
import { mapJira } from './jira.mapper';
// Sources: fixtures/_sources.md (Atlassian's webhook docs, jira.js's webhook payload types, JSM's REST models, Jira Data Center webhooks).
import agentNoReporter from './fixtures/comment-created-cloud-agent-no-reporter.json';
import customerNoReporter from './fixtures/comment-created-cloud-no-reporter.json';
import dataCenterComment from './fixtures/comment-created-datacenter.json';
import requestType from './fixtures/issue-created-jsm-request-type.json';
import dataCenterResolved from './fixtures/issue-updated-datacenter-resolved.json';

const receivedAt = new Date('2025-01-20T12:00:00Z');
const map = (payload: unknown): MapResult => mapJira(JSON.parse(JSON.stringify(payload)), { receivedAt });
const events = (result: MapResult) => validEvents(result, receivedAt);

describe('Jira, as documented (issue 14)', () => {
  it('maps a Jira Cloud comment_created without issue.fields.reporter: the customer\'s comment, their domain the account', () => {
    const [event] = events(map(customerNoReporter));
    expect(event).toEqual({
      specversion: '1.0',
      id: 'jira-10042-comment-10091',
      type: 'forewarn.case.commented',
      time: '2025-01-08T14:05:30.123Z',
      subject: 'SUP-42',
      data: {
        account: { domain: 'acme.com' },
        case: { id: 'SUP-42', title: 'Checkout payments failing with 502', url: 'https://acme-support.atlassian.net/browse/SUP-42', severity: 2, status: 'open' },
        actor: { type: 'customer', name: 'Dana Lee', email: 'dana.lee@acme.com' },
        comment: { public: true, excerpt: 'Still failing. This is the third time this month.' },
      },
    });
  });

  it('maps an agent\'s comment without a reporter under the project, so it waits visibly as unmapped', () => {
    expect(events(map(agentNoReporter))[0]).toMatchObject({
      data: { account: { externalId: 'project:SUP', name: 'Acme Support' }, actor: { type: 'agent', name: 'Sam Ortiz' }, comment: { public: false, excerpt: 'Paging payments on-call.' } },
    });
  });

  it('reads Jira Data Center users (name, key) and answers its issue-less comment_created with a reason', () => {
    const [resolved] = events(map(dataCenterResolved));
    expect(resolved).toMatchObject({ type: 'forewarn.case.resolved', data: { account: { domain: 'acme.com' }, actor: { type: 'agent', name: 'Sam Ortiz' }, case: { severity: 2, status: 'solved' }, reason: 'Fixed' } });
    expect(map(dataCenterComment)).toMatchObject({ status: 'ignored', ignored: [{ reason: expect.stringContaining('subscribe to jira:issue_updated') }] });
  });

  it('reads the JSM request type, organization and an SLA not yet breached', () => {
    const result = events(map(requestType));
    expect(result.map((e) => e.type)).toEqual(['forewarn.case.opened']);
    expect(result[0]).toMatchObject({ data: { account: { domain: 'acme.com', externalId: '7', name: 'Acme Corp' }, case: { severity: 1, status: 'open' }, reason: 'Request type: Report an outage' } });
  });
});
