import { basic, type CaseRef, mentions, NotThisVendorsCase, segment, type VendorApi, type VendorCredentials, type WriteBackAdapter } from '../vendor-api';

/**
 * Zendesk Support: a private comment (`"public": false`, seen by agents only) added by updating
 * the ticket, `PUT /api/v2/tickets/{id}.json`; the tag with `PUT /api/v2/tickets/{id}/tags.json`
 * (adds, keeps the others). Authentication: an agent's e-mail and API token,
 * `Basic base64("{email}/token:{token}")`. Forewarn's case ids are `ZD-<ticket id>`.
 */
export const zendeskWriteBack: WriteBackAdapter = {
  vendor: 'zendesk',
  name: 'Zendesk',
  apiUser: { required: true, meaning: 'the e-mail address of the agent whose API token it is' },
  takesTag: true,

  caseRef(caseId: string): CaseRef {
    const match = /^ZD-(\d+)$/.exec(caseId);
    if (!match) throw new NotThisVendorsCase(caseId, 'Zendesk', 'ticket (ZD-<ticket id>)');
    return { id: match[1] };
  },

  headers: (credentials: VendorCredentials) => ({ authorization: basic(`${credentials.apiUser}/token`, credentials.token), accept: 'application/json' }),

  async hasNote(api: VendorApi, ref: CaseRef, marker: string): Promise<boolean> {
    // Newest first: a note Forewarn may just have written is on the first page.
    const { body } = await api({ method: 'GET', path: `/api/v2/tickets/${segment(ref.id)}/comments.json?sort_order=desc`, purpose: 'lookup' });
    return mentions((body as { comments?: unknown })?.comments, marker);
  },

  async addTag(api: VendorApi, ref: CaseRef, tag: string): Promise<void> {
    await api({ method: 'PUT', path: `/api/v2/tickets/${segment(ref.id)}/tags.json`, body: { tags: [tag] }, purpose: 'tag' });
  },

  async addNote(api: VendorApi, ref: CaseRef, text: string): Promise<void> {
    await api({ method: 'PUT', path: `/api/v2/tickets/${segment(ref.id)}.json`, body: { ticket: { comment: { body: text, public: false } } }, purpose: 'note' });
  },
};
