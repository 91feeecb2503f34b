import { basic, type CaseRef, mentions, NotThisVendorsCase, segment, type VendorApi, type VendorCredentials, type WriteBackAdapter } from '../vendor-api';

/** The note as Atlassian Document Format: a paragraph per block of lines, line breaks kept. */
export function adf(text: string): unknown {
  return {
    type: 'doc',
    version: 1,
    content: text.split(/\n{2,}/).map((paragraph) => ({
      type: 'paragraph',
      content: paragraph.split('\n').flatMap((line, i) => [...(i > 0 ? [{ type: 'hardBreak' }] : []), ...(line ? [{ type: 'text', text: line }] : [])]),
    })),
  };
}

/**
 * Jira Cloud and Jira Service Management: an internal comment, `POST /rest/api/3/issue/{key}/comment`
 * with the body in Atlassian Document Format and the property `sd.public.comment` set to
 * `{ "internal": true }` (JSM shows it to agents only, never on the customer portal; plain Jira has
 * no customers to hide it from); the label with `PUT /rest/api/3/issue/{key}` (`update.labels`
 * `add`). Authentication: an account's e-mail and API token, Basic. Case ids are issue keys.
 */
export const jiraWriteBack: WriteBackAdapter = {
  vendor: 'jira',
  name: 'Jira',
  apiUser: { required: true, meaning: 'the e-mail address of the Atlassian account whose API token it is' },
  takesTag: true,

  caseRef(caseId: string): CaseRef {
    if (!/^[A-Z][A-Z0-9_]*-\d+$/.test(caseId)) throw new NotThisVendorsCase(caseId, 'Jira', 'issue key (SUP-123)');
    return { id: caseId };
  },

  headers: (credentials: VendorCredentials) => ({ authorization: basic(credentials.apiUser ?? '', credentials.token), accept: 'application/json' }),

  async hasNote(api: VendorApi, ref: CaseRef, marker: string): Promise<boolean> {
    const { body } = await api({ method: 'GET', path: `/rest/api/3/issue/${segment(ref.id)}/comment?orderBy=-created&maxResults=100`, purpose: 'lookup' });
    return mentions((body as { comments?: unknown })?.comments, marker);
  },

  async addTag(api: VendorApi, ref: CaseRef, tag: string): Promise<void> {
    await api({ method: 'PUT', path: `/rest/api/3/issue/${segment(ref.id)}`, body: { update: { labels: [{ add: tag }] } }, purpose: 'tag' });
  },

  async addNote(api: VendorApi, ref: CaseRef, text: string): Promise<void> {
    await api({
      method: 'POST',
      path: `/rest/api/3/issue/${segment(ref.id)}/comment`,
      body: { body: adf(text), properties: [{ key: 'sd.public.comment', value: { internal: true } }] },
      purpose: 'note',
    });
  },
};
