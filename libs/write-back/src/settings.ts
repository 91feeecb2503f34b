import { WRITE_BACK_ADAPTERS } from './adapters';
import { isWriteBackVendor, WRITE_BACK_VENDORS } from './vendor-api';

/** `off` (the default): nothing is written. `dry-run`: what would be written is recorded, nothing is sent. `on`: notes are written. */
export const WRITE_BACK_MODES = ['off', 'on', 'dry-run'] as const;
export type WriteBackMode = (typeof WRITE_BACK_MODES)[number];

export const isWriteBackMode = (value: string): value is WriteBackMode => (WRITE_BACK_MODES as readonly string[]).includes(value);

/** A source's write-back settings, as stored (the token sealed, never shown). */
export interface WriteBackSettings {
  mode: WriteBackMode;
  apiUrl: string | null;
  apiUser: string | null;
  /** A tag (or label) added to each case written to, for support's own views and SLAs. */
  tag: string | null;
  /** Also ask support to update a firestorm account's open cases before its meeting. */
  supportHeadsUp: boolean;
  hasToken: boolean;
}

/** What a source's sealed token is bound to: a token sealed for one source does not open for another. */
export const sourceTokenContext = (source: string): string => `source:${source}`;

export const NO_WRITE_BACK: WriteBackSettings = { mode: 'off', apiUrl: null, apiUser: null, tag: null, supportHeadsUp: false, hasToken: false };

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,79}$/;

/**
 * The API URL as stored: `http(s)://host[:port][/path]`, no credentials, query or fragment, no
 * trailing slash; a sentence saying what is wrong otherwise.
 */
export function normaliseApiUrl(text: string): { ok: true; url: string } | { ok: false; problem: string } {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { ok: false, problem: `--api-url must be the helpdesk's base URL, e.g. https://acme.zendesk.com, not "${text}"` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, problem: '--api-url must be an https address' };
  if (url.username || url.password) return { ok: false, problem: '--api-url must not hold credentials: give them with --api-user and --api-token-stdin' };
  if (url.search || url.hash) return { ok: false, problem: '--api-url must be the base URL, without a query or fragment' };
  return { ok: true, url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}

/**
 * What is wrong with a source's write-back settings for its kind (empty when nothing is):
 * write-back is for the five helpdesks; `on` needs the API URL, the token, and the user where the
 * vendor needs one; a tag only where the vendor has tags.
 */
export function writeBackProblems(kind: string, settings: WriteBackSettings): string[] {
  if (!isWriteBackVendor(kind)) return settings.mode === 'off' ? [] : [`write-back is for ${WRITE_BACK_VENDORS.join(', ')} sources, not ${kind}`];
  const adapter = WRITE_BACK_ADAPTERS[kind];
  const problems: string[] = [];
  if (settings.tag !== null && !adapter.takesTag) problems.push(`${adapter.name} records take no tag from Forewarn: leave --tag out`);
  if (settings.tag !== null && !TAG.test(settings.tag)) problems.push(`--tag must be letters, digits, "_", "-", "." or ":" (at most 80), e.g. forewarn-sales-aware, not "${settings.tag}"`);
  if (settings.apiUser !== null && !adapter.apiUser) problems.push(`${adapter.name} takes no --api-user: its API key is the token`);
  if (settings.mode === 'off') return problems;
  if (!settings.apiUrl) problems.push(`--write-back ${settings.mode} needs --api-url (the ${adapter.name} API's base URL)`);
  if (settings.mode === 'on') {
    if (adapter.apiUser?.required && !settings.apiUser) problems.push(`--write-back on needs --api-user: ${adapter.apiUser.meaning}`);
    if (!settings.hasToken) problems.push('--write-back on needs the API token: pipe it into --api-token-stdin');
  }
  return problems;
}
