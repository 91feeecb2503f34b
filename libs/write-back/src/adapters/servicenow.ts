import { basic, type CaseRef, mentions, NotThisVendorsCase, segment, type VendorApi, type VendorCredentials, VendorError, type WriteBackAdapter } from '../vendor-api';

/** The table of a record by its number's prefix, as ServiceNow numbers them (INC0010001 is an incident). */
const TABLE_BY_PREFIX: [RegExp, string][] = [[/^INC/, 'incident'], [/^CS/, 'sn_customerservice_case'], [/^(RITM|REQ)/, 'sc_req_item'], [/^PRB/, 'problem'], [/^CHG/, 'change_request']];
const SYS_ID = /^[0-9a-f]{32}$/i;

/** The record's sys_id: as Forewarn's case id has it (`SN-<sys_id>`), or looked up by its number. */
async function sysIdOf(api: VendorApi, ref: CaseRef): Promise<string> {
  if (SYS_ID.test(ref.id)) return ref.id;
  const query = encodeURIComponent(`number=${ref.id}`);
  const { body } = await api({ method: 'GET', path: `/api/now/table/${segment(ref.kind ?? 'task')}?sysparm_query=${query}&sysparm_fields=sys_id&sysparm_limit=1`, purpose: 'lookup' });
  const result = (body as { result?: { sys_id?: unknown }[] })?.result;
  const sysId = Array.isArray(result) ? result[0]?.sys_id : undefined;
  if (typeof sysId !== 'string' || !SYS_ID.test(sysId)) {
    throw new VendorError({ kind: 'status', status: 404, retryAfterMs: null, detail: `no ${ref.id} in the ${ref.kind ?? 'task'} table` }, 'lookup');
  }
  return sysId;
}

/**
 * ServiceNow: a work note (journal field `work_notes`, seen by the fulfiller side only) added with
 * the Table API, `PATCH /api/now/table/{table}/{sys_id}` `{ "work_notes": "…" }`; the record is
 * found by its number (`GET /api/now/table/{table}?sysparm_query=number=…`). ServiceNow has no
 * tags on records for this. Authentication: a user and password (Basic), or without a user an
 * OAuth access token (Bearer). Case ids are record numbers (`INC0010001`, `CS0001042`) or `SN-<sys_id>`.
 */
export const serviceNowWriteBack: WriteBackAdapter = {
  vendor: 'servicenow',
  name: 'ServiceNow',
  apiUser: { required: false, meaning: 'the integration user (Basic, with its password as the token); leave it out to use the token as an OAuth bearer token' },
  takesTag: false,

  caseRef(caseId: string): CaseRef {
    const bySysId = /^SN-([0-9a-f]{32})$/i.exec(caseId);
    if (bySysId) return { id: bySysId[1], kind: 'task' };
    if (!/^[A-Z]{2,10}\d{4,}$/.test(caseId)) throw new NotThisVendorsCase(caseId, 'ServiceNow', 'record number (INC0010001) or SN-<sys_id>');
    return { id: caseId, kind: TABLE_BY_PREFIX.find(([prefix]) => prefix.test(caseId))?.[1] ?? 'task' };
  },

  headers: (credentials: VendorCredentials) => ({
    authorization: credentials.apiUser ? basic(credentials.apiUser, credentials.token) : `Bearer ${credentials.token}`,
    accept: 'application/json',
  }),

  async hasNote(api: VendorApi, ref: CaseRef, marker: string): Promise<boolean> {
    const sysId = await sysIdOf(api, ref);
    // The display value of a journal field is all its entries.
    const { body } = await api({ method: 'GET', path: `/api/now/table/${segment(ref.kind ?? 'task')}/${sysId}?sysparm_fields=work_notes&sysparm_display_value=true`, purpose: 'lookup' });
    return mentions((body as { result?: unknown })?.result, marker);
  },

  async addTag(): Promise<void> {
    throw new Error('ServiceNow records take no tags from Forewarn');
  },

  async addNote(api: VendorApi, ref: CaseRef, text: string): Promise<void> {
    const sysId = await sysIdOf(api, ref);
    await api({ method: 'PATCH', path: `/api/now/table/${segment(ref.kind ?? 'task')}/${sysId}`, body: { work_notes: text }, purpose: 'note' });
  },
};
