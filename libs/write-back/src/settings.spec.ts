import { NO_WRITE_BACK, normaliseApiUrl, type WriteBackSettings, writeBackProblems } from './settings';

const on = (more: Partial<WriteBackSettings> = {}): WriteBackSettings => ({ ...NO_WRITE_BACK, mode: 'on', apiUrl: 'https://acme.zendesk.com', apiUser: 'agent@acme.test', hasToken: true, ...more });

describe('write-back settings of a source', () => {
  it('are complete for Zendesk with the URL, the agent and the token', () => {
    expect(writeBackProblems('zendesk', on())).toEqual([]);
    expect(writeBackProblems('zendesk', on({ tag: 'forewarn-sales-aware' }))).toEqual([]);
  });

  it('name what on still needs', () => {
    expect(writeBackProblems('zendesk', on({ apiUrl: null, apiUser: null, hasToken: false }))).toEqual([
      '--write-back on needs --api-url (the Zendesk API\'s base URL)',
      '--write-back on needs --api-user: the e-mail address of the agent whose API token it is',
      '--write-back on needs the API token: pipe it into --api-token-stdin',
    ]);
  });

  it('let a dry run go without credentials, and off need nothing', () => {
    expect(writeBackProblems('jira', { ...NO_WRITE_BACK, mode: 'dry-run', apiUrl: 'https://acme.atlassian.net' })).toEqual([]);
    expect(writeBackProblems('jira', NO_WRITE_BACK)).toEqual([]);
  });

  it('refuse what the vendor cannot take, and other kinds of source', () => {
    expect(writeBackProblems('servicenow', on({ apiUser: null, tag: 'x' }))).toEqual(['ServiceNow records take no tag from Forewarn: leave --tag out']);
    expect(writeBackProblems('freshdesk', on({ apiUser: 'someone' }))).toEqual(['Freshdesk takes no --api-user: its API key is the token']);
    expect(writeBackProblems('zendesk', on({ tag: 'has space' }))[0]).toMatch(/^--tag must be/);
    expect(writeBackProblems('salesforce', on())).toEqual(['write-back is for zendesk, jira, freshdesk, servicenow, intercom sources, not salesforce']);
  });

  it('keep the API URL as a base URL', () => {
    expect(normaliseApiUrl('https://acme.zendesk.com/')).toEqual({ ok: true, url: 'https://acme.zendesk.com' });
    expect(normaliseApiUrl('https://jira.acme.test/jira/')).toEqual({ ok: true, url: 'https://jira.acme.test/jira' });
    expect(normaliseApiUrl('https://user:pw@acme.zendesk.com')).toMatchObject({ ok: false });
    expect(normaliseApiUrl('ftp://acme')).toMatchObject({ ok: false, problem: '--api-url must be an https address' });
    expect(normaliseApiUrl('not a url')).toMatchObject({ ok: false });
  });
});
