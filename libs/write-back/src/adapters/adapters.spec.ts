import { type VendorApi, type VendorCredentials, VendorError, type VendorRequest, type VendorResponse } from '../vendor-api';
import { WRITE_BACK_ADAPTERS } from '.';

/** A vendor API that records each request and answers from `answers` (by "METHOD path" prefix), `{}` otherwise. */
function recorder(answers: Record<string, unknown> = {}): { api: VendorApi; requests: VendorRequest[] } {
  const requests: VendorRequest[] = [];
  const api: VendorApi = async (request) => {
    requests.push(request);
    const key = Object.keys(answers).find((k) => `${request.method} ${request.path}`.startsWith(k));
    return { status: 200, body: key ? answers[key] : {} } satisfies VendorResponse;
  };
  return { api, requests };
}

const credentials = (apiUser: string | null): VendorCredentials => ({ apiUrl: 'https://example.test', apiUser, token: 's3cret' });
const decoded = (header: string) => Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8');
const TEXT = 'Sales is aware.\nCall Riley.\n\n(Written by Forewarn, forewarn:abc)';

describe('Zendesk write-back', () => {
  const zendesk = WRITE_BACK_ADAPTERS.zendesk;

  it('adds a private comment to the ticket a ZD- case id names, as the agent with the API token', async () => {
    const { api, requests } = recorder();
    const ref = zendesk.caseRef('ZD-48213');
    await zendesk.addNote(api, ref, TEXT, credentials('agent@acme.test'));
    expect(requests).toEqual([{ method: 'PUT', path: '/api/v2/tickets/48213.json', body: { ticket: { comment: { body: TEXT, public: false } } }, purpose: 'note' }]);
    expect(decoded(zendesk.headers(credentials('agent@acme.test')).authorization)).toBe('agent@acme.test/token:s3cret');
  });

  it('adds the tag without replacing the others, and finds a note by its reference among the newest comments', async () => {
    const { api, requests } = recorder({ 'GET /api/v2/tickets/7/comments.json': { comments: [{ id: 1, body: 'x forewarn:abc', public: false }] } });
    await zendesk.addTag(api, { id: '7' }, 'forewarn-sales-aware', credentials('a@b.c'));
    expect(await zendesk.hasNote(api, { id: '7' }, 'forewarn:abc')).toBe(true);
    expect(await zendesk.hasNote(api, { id: '7' }, 'forewarn:other')).toBe(false);
    expect(requests[0]).toEqual({ method: 'PUT', path: '/api/v2/tickets/7/tags.json', body: { tags: ['forewarn-sales-aware'] }, purpose: 'tag' });
    expect(requests[1]).toMatchObject({ method: 'GET', path: '/api/v2/tickets/7/comments.json?sort_order=desc' });
  });

  it('refuses a case id that is not a Zendesk ticket', () => {
    expect(() => zendesk.caseRef('FD-12')).toThrow('FD-12 names no Zendesk ticket (ZD-<ticket id>)');
  });
});

describe('Jira write-back', () => {
  const jira = WRITE_BACK_ADAPTERS.jira;

  it('adds an internal comment in Atlassian Document Format, hidden from the JSM portal', async () => {
    const { api, requests } = recorder();
    await jira.addNote(api, jira.caseRef('SUP-42'), 'One\nTwo\n\nThree', credentials('bot@acme.test'));
    expect(requests).toEqual([{
      method: 'POST',
      path: '/rest/api/3/issue/SUP-42/comment',
      body: {
        body: { type: 'doc', version: 1, content: [
          { type: 'paragraph', content: [{ type: 'text', text: 'One' }, { type: 'hardBreak' }, { type: 'text', text: 'Two' }] },
          { type: 'paragraph', content: [{ type: 'text', text: 'Three' }] },
        ] },
        properties: [{ key: 'sd.public.comment', value: { internal: true } }],
      },
      purpose: 'note',
    }]);
    expect(decoded(jira.headers(credentials('bot@acme.test')).authorization)).toBe('bot@acme.test:s3cret');
  });

  it('adds the label with an update, and looks for a note among the newest comments', async () => {
    const { api, requests } = recorder({ 'GET /rest/api/3/issue/SUP-42/comment': { comments: [{ body: { type: 'doc', content: [{ type: 'text', text: 'forewarn:abc' }] } }] } });
    await jira.addTag(api, { id: 'SUP-42' }, 'forewarn-sales-aware', credentials('x'));
    expect(requests[0]).toEqual({ method: 'PUT', path: '/rest/api/3/issue/SUP-42', body: { update: { labels: [{ add: 'forewarn-sales-aware' }] } }, purpose: 'tag' });
    expect(await jira.hasNote(api, { id: 'SUP-42' }, 'forewarn:abc')).toBe(true);
    expect(requests[1].path).toBe('/rest/api/3/issue/SUP-42/comment?orderBy=-created&maxResults=100');
    expect(() => jira.caseRef('ZD-1x')).toThrow('ZD-1x names no Jira issue key (SUP-123)');
  });
});

describe('Freshdesk write-back', () => {
  const freshdesk = WRITE_BACK_ADAPTERS.freshdesk;

  it('adds a private note with an HTML body, with the API key as the Basic user', async () => {
    const { api, requests } = recorder();
    await freshdesk.addNote(api, freshdesk.caseRef('FD-1001'), 'Tom & <Jerry>\nline two\n\nlast', credentials(null));
    expect(requests).toEqual([{ method: 'POST', path: '/api/v2/tickets/1001/notes', body: { body: '<p>Tom &amp; &lt;Jerry&gt;<br>line two</p><p>last</p>', private: true }, purpose: 'note' }]);
    expect(decoded(freshdesk.headers(credentials(null)).authorization)).toBe('s3cret:X');
  });

  it('adds the tag to the ticket\'s own tags, and only when it is missing', async () => {
    const { api, requests } = recorder({ 'GET /api/v2/tickets/5': { id: 5, tags: ['vip'] } });
    await freshdesk.addTag(api, { id: '5' }, 'forewarn-sales-aware', credentials(null));
    expect(requests.map((r) => [r.method, r.path, r.body])).toEqual([['GET', '/api/v2/tickets/5', undefined], ['PUT', '/api/v2/tickets/5', { tags: ['vip', 'forewarn-sales-aware'] }]]);
    const again = recorder({ 'GET /api/v2/tickets/5': { id: 5, tags: ['vip', 'forewarn-sales-aware'] } });
    await freshdesk.addTag(again.api, { id: '5' }, 'forewarn-sales-aware', credentials(null));
    expect(again.requests).toHaveLength(1);
  });

  it('reads the conversations page by page looking for a note', async () => {
    const full = Array.from({ length: 100 }, (_, i) => ({ id: i, body: 'older' }));
    const { api, requests } = recorder({ 'GET /api/v2/tickets/5/conversations?per_page=100&page=1': full, 'GET /api/v2/tickets/5/conversations?per_page=100&page=2': [{ body: '<p>forewarn:abc</p>' }] });
    expect(await freshdesk.hasNote(api, { id: '5' }, 'forewarn:abc')).toBe(true);
    expect(requests).toHaveLength(2);
  });
});

describe('ServiceNow write-back', () => {
  const servicenow = WRITE_BACK_ADAPTERS.servicenow;
  const SYS_ID = '9d385017c611228701d22104cc95c371';

  it('finds the record by its number and adds a work note with the Table API', async () => {
    const { api, requests } = recorder({ 'GET /api/now/table/incident?': { result: [{ sys_id: SYS_ID }] } });
    await servicenow.addNote(api, servicenow.caseRef('INC0010001'), TEXT, credentials('forewarn.integration'));
    expect(requests).toEqual([
      { method: 'GET', path: '/api/now/table/incident?sysparm_query=number%3DINC0010001&sysparm_fields=sys_id&sysparm_limit=1', purpose: 'lookup' },
      { method: 'PATCH', path: `/api/now/table/incident/${SYS_ID}`, body: { work_notes: TEXT }, purpose: 'note' },
    ]);
    expect(decoded(servicenow.headers(credentials('forewarn.integration')).authorization)).toBe('forewarn.integration:s3cret');
    expect(servicenow.headers(credentials(null)).authorization).toBe('Bearer s3cret');
  });

  it('knows the table by the number, writes to an SN-<sys_id> case directly, and reads the work notes looking for a note', async () => {
    expect(servicenow.caseRef('CS0001042')).toEqual({ id: 'CS0001042', kind: 'sn_customerservice_case' });
    expect(servicenow.caseRef(`SN-${SYS_ID}`)).toEqual({ id: SYS_ID, kind: 'task' });
    const { api, requests } = recorder({ [`GET /api/now/table/task/${SYS_ID}`]: { result: { work_notes: '2026-11-25 10:43:00 - Forewarn (Work notes)\n… forewarn:abc)' } } });
    expect(await servicenow.hasNote(api, servicenow.caseRef(`SN-${SYS_ID}`), 'forewarn:abc')).toBe(true);
    expect(requests).toEqual([{ method: 'GET', path: `/api/now/table/task/${SYS_ID}?sysparm_fields=work_notes&sysparm_display_value=true`, purpose: 'lookup' }]);
  });

  it('says 404 when no record has that number', async () => {
    const { api } = recorder({ 'GET /api/now/table/incident?': { result: [] } });
    await expect(servicenow.addNote(api, servicenow.caseRef('INC0099999'), TEXT, credentials('u'))).rejects.toEqual(expect.objectContaining({ failure: expect.objectContaining({ status: 404, detail: 'no INC0099999 in the incident table' }) }));
    expect(servicenow.takesTag).toBe(false);
  });
});

describe('Intercom write-back', () => {
  const intercom = WRITE_BACK_ADAPTERS.intercom;

  it('replies to a conversation with an admin note, and to a ticket the same way', async () => {
    const { api, requests } = recorder();
    await intercom.addNote(api, intercom.caseRef('IC-C5017'), 'Hi\nthere', credentials('814860'));
    await intercom.addNote(api, intercom.caseRef('IC-T23'), 'Hi', credentials('814860'));
    expect(requests).toEqual([
      { method: 'POST', path: '/conversations/5017/reply', body: { message_type: 'note', type: 'admin', admin_id: '814860', body: '<p>Hi<br>there</p>' }, purpose: 'note' },
      { method: 'POST', path: '/tickets/23/reply', body: { message_type: 'note', type: 'admin', admin_id: '814860', body: '<p>Hi</p>' }, purpose: 'note' },
    ]);
    expect(intercom.headers(credentials('814860'))).toEqual({ authorization: 'Bearer s3cret', accept: 'application/json', 'intercom-version': '2.11' });
  });

  it('finds or creates the tag by name and tags the conversation as the admin', async () => {
    const { api, requests } = recorder({ 'POST /tags': { type: 'tag', id: '17513', name: 'forewarn-sales-aware' } });
    await intercom.addTag(api, intercom.caseRef('IC-C5017'), 'forewarn-sales-aware', credentials('814860'));
    expect(requests.map((r) => [r.method, r.path, r.body])).toEqual([
      ['POST', '/tags', { name: 'forewarn-sales-aware' }],
      ['POST', '/conversations/5017/tags', { id: '17513', admin_id: '814860' }],
    ]);
  });

  it('looks for a note among the conversation\'s parts', async () => {
    const { api } = recorder({ 'GET /conversations/5017': { type: 'conversation', conversation_parts: { conversation_parts: [{ part_type: 'note', body: '<p>(Written by Forewarn, forewarn:abc)</p>' }] } } });
    expect(await intercom.hasNote(api, intercom.caseRef('IC-C5017'), 'forewarn:abc')).toBe(true);
    expect(() => intercom.caseRef('ZD-1')).toThrow('ZD-1 names no Intercom conversation or ticket (IC-C<id>, IC-T<id>)');
  });
});

describe('a vendor call that fails', () => {
  it('carries what it was for, so a failed note call can be told from a failed lookup', () => {
    const error = new VendorError({ kind: 'timeout', timeoutMs: 1000 }, 'note');
    expect(error.purpose).toBe('note');
    expect(error.message).toBe('no answer within 1000 ms');
  });
});
