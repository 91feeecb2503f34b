import { basic, type CaseRef, mentions, noteHtml, NotThisVendorsCase, segment, type VendorApi, type VendorCredentials, type WriteBackAdapter } from '../vendor-api';

const PAGE = 100;
/** Conversations read at most, looking for a note (a ticket with more is rare; its newest are on the last pages). */
const MAX_PAGES = 10;

/**
 * Freshdesk: a private note, `POST /api/v2/tickets/{id}/notes` with `"private": true` (agents only)
 * and an HTML body. Freshdesk's ticket update replaces the ticket's tags, so the tag is added by
 * reading them (`GET /api/v2/tickets/{id}`) and writing them back with it
 * (`PUT /api/v2/tickets/{id}`), only when missing. Authentication: the API key as the Basic user
 * name, `X` as the password. Case ids are `FD-<ticket id>`.
 */
export const freshdeskWriteBack: WriteBackAdapter = {
  vendor: 'freshdesk',
  name: 'Freshdesk',
  apiUser: null,
  takesTag: true,

  caseRef(caseId: string): CaseRef {
    const match = /^FD-(\d+)$/.exec(caseId);
    if (!match) throw new NotThisVendorsCase(caseId, 'Freshdesk', 'ticket (FD-<ticket id>)');
    return { id: match[1] };
  },

  headers: (credentials: VendorCredentials) => ({ authorization: basic(credentials.token, 'X'), accept: 'application/json' }),

  async hasNote(api: VendorApi, ref: CaseRef, marker: string): Promise<boolean> {
    for (let page = 1; page <= MAX_PAGES; page++) {
      const { body } = await api({ method: 'GET', path: `/api/v2/tickets/${segment(ref.id)}/conversations?per_page=${PAGE}&page=${page}`, purpose: 'lookup' });
      const conversations = Array.isArray(body) ? body : [];
      if (mentions(conversations, marker)) return true;
      if (conversations.length < PAGE) return false;
    }
    return false;
  },

  async addTag(api: VendorApi, ref: CaseRef, tag: string): Promise<void> {
    const { body } = await api({ method: 'GET', path: `/api/v2/tickets/${segment(ref.id)}`, purpose: 'tag' });
    const tags = (body as { tags?: unknown })?.tags;
    const current = Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
    if (current.includes(tag)) return;
    await api({ method: 'PUT', path: `/api/v2/tickets/${segment(ref.id)}`, body: { tags: [...current, tag] }, purpose: 'tag' });
  },

  async addNote(api: VendorApi, ref: CaseRef, text: string): Promise<void> {
    await api({ method: 'POST', path: `/api/v2/tickets/${segment(ref.id)}/notes`, body: { body: noteHtml(text), private: true }, purpose: 'note' });
  },
};
