/** The helpdesks Forewarn writes notes back to (the helpdesk kinds of sources). */
export const WRITE_BACK_VENDORS = ['zendesk', 'jira', 'freshdesk', 'servicenow', 'intercom'] as const;
export type WriteBackVendor = (typeof WRITE_BACK_VENDORS)[number];

export const isWriteBackVendor = (kind: string): kind is WriteBackVendor => (WRITE_BACK_VENDORS as readonly string[]).includes(kind);

/** What a request is for: a failed `note` request may have written the note all the same. */
export type RequestPurpose = 'lookup' | 'tag' | 'note';

/** One call to a vendor's REST API, relative to the source's API URL. */
export interface VendorRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  /** Path and query, starting with `/`, e.g. `/api/v2/tickets/48213.json`. */
  path: string;
  /** Sent as JSON. */
  body?: unknown;
  purpose: RequestPurpose;
}

export interface VendorResponse {
  status: number;
  /** The JSON it answered, or null. */
  body: unknown;
}

/**
 * Calls the vendor (with the source's API URL and credentials): resolves with a `2xx` answer,
 * rejects with a VendorError otherwise.
 */
export type VendorApi = (request: VendorRequest) => Promise<VendorResponse>;

/** Why a call did not succeed: the vendor answered something else than `2xx`, or did not answer. */
export type VendorFailure =
  | { kind: 'status'; status: number; retryAfterMs: number | null; detail: string | null }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'network'; message: string }
  | { kind: 'refused'; message: string };

export class VendorError extends Error {
  constructor(readonly failure: VendorFailure, readonly purpose: RequestPurpose) {
    super(failure.kind === 'status' ? `answered ${failure.status}` : failure.kind === 'timeout' ? `no answer within ${failure.timeoutMs} ms` : failure.message);
    this.name = 'VendorError';
  }
}

/** What this case cannot be, for this vendor: the note is not written, and says why. */
export class NotThisVendorsCase extends Error {
  constructor(caseId: string, vendorName: string, what: string) {
    super(`${caseId} names no ${vendorName} ${what}`);
    this.name = 'NotThisVendorsCase';
  }
}

export interface VendorCredentials {
  /** The base URL of the vendor's API, e.g. `https://acme.zendesk.com` (no trailing slash). */
  apiUrl: string;
  /** Zendesk and Jira: the agent's e-mail; Intercom: the admin id; ServiceNow: the user (none: the token is an OAuth bearer token). */
  apiUser: string | null;
  token: string;
}

/** A case as the vendor knows it: its own id, and for some vendors what kind of record it is. */
export interface CaseRef {
  id: string;
  /** Intercom: `conversation` or `ticket`; ServiceNow: the table. */
  kind?: string;
}

/**
 * How Forewarn writes to one helpdesk: its own case id from Forewarn's, its authentication, and
 * the calls that look for a note, add a tag and add an internal note. Only public API calls the
 * vendor documents; the calls go through `api`, which adds the URL and the credentials.
 */
export interface WriteBackAdapter {
  readonly vendor: WriteBackVendor;
  /** As people say it: "Zendesk". */
  readonly name: string;
  /** What `--api-user` is for this vendor; null when it takes none. */
  readonly apiUser: { required: boolean; meaning: string } | null;
  /** Whether the vendor can add the optional tag (or label) to the case. */
  readonly takesTag: boolean;
  /** The vendor's id of a Forewarn case id (mappers namespace them: `ZD-48213`); a NotThisVendorsCase when it is not one. */
  caseRef(caseId: string): CaseRef;
  /** The headers every call carries: authentication, and what the vendor asks for (`Accept`, an API version). */
  headers(credentials: VendorCredentials): Record<string, string>;
  /** Whether an internal note holding `marker` is on the case already: asked after an attempt whose outcome is not known. */
  hasNote(api: VendorApi, ref: CaseRef, marker: string): Promise<boolean>;
  /** Adds the tag (or label), keeping the case's others; adding it twice changes nothing. */
  addTag(api: VendorApi, ref: CaseRef, tag: string, credentials: VendorCredentials): Promise<void>;
  /** Adds the internal note: never visible to the customer. */
  addNote(api: VendorApi, ref: CaseRef, text: string, credentials: VendorCredentials): Promise<void>;
}

export const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;

/** Whether any text in a JSON value contains `marker` (the note's reference, however the vendor stored its body). */
export const mentions = (value: unknown, marker: string): boolean => JSON.stringify(value ?? null).includes(marker);

/** The text of a note as HTML paragraphs (Freshdesk, Intercom): escaped, a blank line between paragraphs, line breaks kept. */
export function noteHtml(text: string): string {
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return text.split(/\n{2,}/).map((paragraph) => `<p>${paragraph.split('\n').map(escape).join('<br>')}</p>`).join('');
}

export const segment = (id: string): string => encodeURIComponent(id);
