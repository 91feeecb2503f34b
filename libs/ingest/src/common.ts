import { type CaseStatus, type EventType, type FieldError, isPublicMailDomain } from '@forewarn/contracts';
import { createHash } from 'node:crypto';
import type { ZodError } from 'zod';
import type { MappedEvent, MapResult } from './types';

/* Small, dependency-free helpers shared by the vendor mappers. Everything here is pure. */

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value at a dotted path (`issue.fields.status.name`), or undefined. */
export function at(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const part of path.split('.')) {
    if (!isObject(current)) return undefined;
    current = current[part];
  }
  return current;
}

/**
 * A trimmed, non-empty string, or undefined. Numbers become strings (vendors disagree on whether
 * ids are numbers). Unrendered template placeholders (`{{ticket.id}}`) and Zendesk's `-` for an
 * empty field count as missing.
 */
export function str(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (!trimmed || trimmed === '-' || /^\{\{[^}]*\}\}$/.test(trimmed) || trimmed.toLowerCase() === 'null') return undefined;
  return trimmed;
}

/** The first of several candidate paths that holds a usable string. */
export function firstStr(value: unknown, ...paths: string[]): string | undefined {
  for (const path of paths) {
    const found = str(at(value, path));
    if (found !== undefined) return found;
  }
  return undefined;
}

/** An integer from a number or a numeric string, or undefined. */
export function int(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number.parseInt(value, 10);
  return undefined;
}

/** Lower-cased and with spaces, dashes and underscores folded, for matching vendor labels. */
export const norm = (value: string | undefined): string => (value ?? '').toLowerCase().replace(/[\s_-]+/g, ' ').trim();

/** A short id that is the same for the same inputs: a retried delivery yields the same event ids. */
export function stableId(prefix: string, ...parts: unknown[]): string {
  const digest = createHash('sha256').update(parts.map((p) => (p === undefined || p === null ? '' : typeof p === 'string' ? p : JSON.stringify(p))).join('\u001f')).digest('hex');
  return `${prefix}-${digest.slice(0, 32)}`;
}

/** Event ids built from vendor ids; hashed when they would be too long for the contract (200). */
export function eventId(...parts: (string | number)[]): string {
  const id = parts.map(String).join('-').replace(/[^A-Za-z0-9._:-]/g, '_');
  return id.length <= 150 ? id : stableId(String(parts[0]), ...parts);
}

/**
 * An RFC 3339 time from what vendors send: ISO strings (also Zendesk's minute precision and
 * nanoseconds), epoch milliseconds or seconds, and ServiceNow's `yyyy-MM-dd HH:mm:ss` (UTC).
 * Undefined when absent or unreadable, so the caller can fall back to the time of receipt.
 */
export function toIsoTime(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    const ms = value < 1e12 ? value * 1000 : value;
    const date = new Date(ms);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  const text = str(value);
  if (!text) return undefined;
  if (/^\d{10,13}$/.test(text)) return toIsoTime(Number(text));
  let candidate = text;
  const serviceNow = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)$/.exec(text);
  if (serviceNow) candidate = `${serviceNow[1]}T${serviceNow[2]}Z`;
  // Nanoseconds (Zendesk events) are more than Date understands: keep milliseconds.
  candidate = candidate.replace(/(\.\d{3})\d+/, '$1');
  // Jira writes offsets without a colon (+0000).
  candidate = candidate.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(candidate)) return undefined;
  const date = new Date(candidate);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/** Plain text of a comment for the `excerpt`: tags stripped, whitespace folded, at most `max` characters. */
export function excerpt(value: unknown, max = 1000): string | undefined {
  const text = str(value);
  if (!text) return undefined;
  const plain = text
    .replace(/<(br|\/p|\/div|\/li)\s*\/?>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&([a-z]+|#39);/gi, (m, name: string) => ENTITIES[name.toLowerCase()] ?? m)
    .replace(/[ \t\r\f\v]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .trim();
  if (!plain) return undefined;
  return plain.length <= max ? plain : `${plain.slice(0, max - 1).trimEnd()}…`;
}

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$/i;

/** A usable email address, lower-cased; anything else (blank, placeholder, garbage) is undefined. */
export function email(value: unknown): string | undefined {
  const text = str(value)?.toLowerCase();
  return text && text.length <= 320 && EMAIL.test(text) ? text : undefined;
}

export { isPublicMailDomain };

export const domainOf = (address: string | undefined): string | undefined => {
  const domain = address?.split('@')[1]?.toLowerCase();
  return domain && /^[a-z0-9.-]+\.[a-z]{2,}$/.test(domain) ? domain : undefined;
};

export interface AccountHints {
  /** The vendor's id of the customer organisation (Zendesk organization, JSM organization, Freshdesk company, ServiceNow account). */
  orgId?: string;
  orgName?: string;
  /** The requester's (customer's) email address. */
  requesterEmail?: string;
  /** Last resort, so the event waits visibly as unmapped instead of being dropped. */
  requesterId?: string;
}

/**
 * The account reference of a case event. account-health resolves an event by one key (id, then
 * domain, then external id), so the order matters: a business email domain is what CRM accounts
 * carry most often; the vendor's organisation id (an external id per source) comes next; a public
 * mailbox domain or the requester's id keep the event visible under unmapped accounts.
 */
export function accountRef(hints: AccountHints): Json | undefined {
  const name = hints.orgName ? hints.orgName.slice(0, 300) : undefined;
  const domain = domainOf(hints.requesterEmail);
  const orgId = hints.orgId && hints.orgId !== '0' ? hints.orgId.slice(0, 200) : undefined;
  if (domain && !isPublicMailDomain(domain)) return compact({ domain, externalId: orgId, name });
  if (orgId) return compact({ externalId: orgId, name });
  if (domain) return compact({ domain, name });
  if (hints.requesterId) return compact({ externalId: `requester:${hints.requesterId}`.slice(0, 200), name });
  return undefined;
}

/** Drops undefined, null and empty-string properties (shallow). */
export function compact<T extends Json>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null && v !== '')) as T;
}

export const CLOSED_STATUSES: ReadonlySet<CaseStatus> = new Set(['solved', 'closed']);
export const isDone = (status: CaseStatus | undefined): boolean => status !== undefined && CLOSED_STATUSES.has(status);

/** A case event with its envelope; undefined members of `data` are dropped. */
export function caseEvent(type: EventType, id: string, time: string, subject: string | undefined, data: Json): MappedEvent {
  return { specversion: '1.0', id, type, time, ...(subject ? { subject } : {}), data: compact(data) };
}

export const mapped = (events: MappedEvent[]): MapResult => ({ status: 'mapped', events });
export const ignored = (reason: string): MapResult => ({ status: 'ignored', reason });
export const invalid = (errors: FieldError[]): MapResult => ({ status: 'invalid', errors });
export const invalidField = (field: string, message: string): MapResult => invalid([{ field, message }]);

/** Field errors from a zod error over a vendor payload, with the path as the field name. */
export function zodFieldErrors(error: ZodError): FieldError[] {
  return error.issues.map((issue) => {
    let message = issue.message;
    if (issue.code === 'invalid_type') message = issue.received === 'undefined' ? 'is required' : `must be ${issue.expected === 'array' ? 'an array' : `a ${issue.expected}`}, not ${issue.received}`;
    if (issue.code === 'invalid_union') {
      const missing = issue.unionErrors.every((e) => e.issues.every((i) => i.code === 'invalid_type' && i.received === 'undefined'));
      message = missing ? 'is required' : 'has the wrong type';
    }
    return { field: issue.path.reduce<string>((path, part) => (typeof part === 'number' ? `${path}[${part}]` : path ? `${path}.${part}` : String(part)), '') || '(body)', message };
  });
}

/** A CSAT score (1–5) from the words and scales helpdesks use; undefined when it is not a rating. */
export function csatScore(value: unknown): number | undefined {
  const n = int(value);
  if (n !== undefined) {
    if (n >= 1 && n <= 5) return n;
    // Freshdesk's satisfaction scale: 103 extremely happy … 100 neutral … -103 extremely unhappy.
    const freshdesk: Record<number, number> = { 103: 5, 102: 5, 101: 4, 100: 3, [-101]: 2, [-102]: 1, [-103]: 1 };
    return freshdesk[n];
  }
  const text = norm(str(value));
  if (!text) return undefined;
  if (/^(bad|unsatisfied|not satisfied|dissatisfied)\b|bad, i'm unsatisfied/.test(text)) return 1;
  if (/^(extremely|very) unhappy/.test(text)) return 1;
  if (/^unhappy/.test(text)) return 2;
  if (/^neutral/.test(text)) return 3;
  if (/^happy/.test(text)) return 4;
  if (/^(good|satisfied)\b|^(extremely|very) happy/.test(text)) return 5;
  return undefined;
}

/** An http(s) URL, or undefined. Zendesk's `{{ticket.link}}` comes without a scheme. */
export function httpUrl(value: unknown): string | undefined {
  let text = str(value);
  if (!text) return undefined;
  if (!/^https?:\/\//.test(text) && /^[a-z0-9.-]+\.[a-z]{2,}\//i.test(text)) text = `https://${text}`;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString().slice(0, 2000) : undefined;
  } catch {
    return undefined;
  }
}
