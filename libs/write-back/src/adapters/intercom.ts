import { type CaseRef, mentions, noteHtml, NotThisVendorsCase, segment, type VendorApi, type VendorCredentials, type WriteBackAdapter } from '../vendor-api';

/** The Intercom API version Forewarn's calls are written against. */
export const INTERCOM_VERSION = '2.11';

const collection = (ref: CaseRef): string => (ref.kind === 'ticket' ? 'tickets' : 'conversations');

/**
 * Intercom: an internal note, a reply of `"message_type": "note"` by an admin —
 * `POST /conversations/{id}/reply` for a conversation, `POST /tickets/{id}/reply` for a ticket —
 * seen by the team only. The tag: `POST /tags` `{ "name" }` (creates it or finds it) and then
 * `POST /conversations/{id}/tags` (or `/tickets/{id}/tags`) `{ "id", "admin_id" }`. Authentication:
 * an access token (Bearer); the note is written as the admin `--api-user` names. Case ids are
 * `IC-C<conversation id>` and `IC-T<ticket id>`.
 */
export const intercomWriteBack: WriteBackAdapter = {
  vendor: 'intercom',
  name: 'Intercom',
  apiUser: { required: true, meaning: 'the id of the admin (teammate) the notes are written as' },
  takesTag: true,

  caseRef(caseId: string): CaseRef {
    const match = /^IC-([CT])([A-Za-z0-9_-]+)$/.exec(caseId);
    if (!match) throw new NotThisVendorsCase(caseId, 'Intercom', 'conversation or ticket (IC-C<id>, IC-T<id>)');
    return { id: match[2], kind: match[1] === 'T' ? 'ticket' : 'conversation' };
  },

  headers: (credentials: VendorCredentials) => ({ authorization: `Bearer ${credentials.token}`, accept: 'application/json', 'intercom-version': INTERCOM_VERSION }),

  async hasNote(api: VendorApi, ref: CaseRef, marker: string): Promise<boolean> {
    const { body } = await api({ method: 'GET', path: `/${collection(ref)}/${segment(ref.id)}`, purpose: 'lookup' });
    const parts = (body as Record<string, unknown> | null)?.[ref.kind === 'ticket' ? 'ticket_parts' : 'conversation_parts'];
    return mentions(parts, marker);
  },

  async addTag(api: VendorApi, ref: CaseRef, tag: string, credentials: VendorCredentials): Promise<void> {
    const { body } = await api({ method: 'POST', path: '/tags', body: { name: tag }, purpose: 'tag' });
    const tagId = (body as { id?: unknown })?.id;
    await api({ method: 'POST', path: `/${collection(ref)}/${segment(ref.id)}/tags`, body: { id: String(tagId), admin_id: credentials.apiUser }, purpose: 'tag' });
  },

  async addNote(api: VendorApi, ref: CaseRef, text: string, credentials: VendorCredentials): Promise<void> {
    await api({
      method: 'POST',
      path: `/${collection(ref)}/${segment(ref.id)}/reply`,
      body: { message_type: 'note', type: 'admin', admin_id: credentials.apiUser, body: noteHtml(text) },
      purpose: 'note',
    });
  },
};
