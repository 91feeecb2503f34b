import { type CaseStatus, type EventType, type FieldError, isPublicMailDomain } from '@forewarn/contracts';
import { createHash } from 'node:crypto';
import type { ZodError } from 'zod';
import { knownZone, zonedTimeToUtc } from './zones';
import type { IgnoredPart, MappedEvent, MappingContext, MapResult } from './types';

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

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};

/** `+05:30`, `-0800`, `GMT+5:30`, `UTC`, `Z` → minutes east of UTC; undefined when it is not an offset. */
function offsetMinutes(text: string): number | undefined {
  const t = text.trim().replace(/^\(|\)$/g, '');
  if (/^(z|utc|gmt)$/i.test(t)) return 0;
  const m = /^(?:utc|gmt)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(t);
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return minutes > 14 * 60 ? undefined : (m[1] === '-' ? -minutes : minutes);
}

/**
 * A time as vendors render it into templates and payloads, in RFC 3339: everything `toIsoTime`
 * reads, and the human forms helpdesk placeholders produce, e.g. Freshdesk's
 * `Thu, 9 Jan, 2025 at 2:05 PM`, `Jan 09, 2025 02:05 PM`, `09-01-2025 14:05 +0530` (day first),
 * `2025-01-09 14:05:11 (GMT+05:30) Chennai`. A time without an offset is in `timeZone` (an IANA
 * zone, the source's setting) or, without one, UTC. Undefined when it is not a time.
 */
export function vendorTime(value: unknown, timeZone?: string): string | undefined {
  const text = str(value);
  if (text === undefined) return toIsoTime(value);
  const zone = timeZone && knownZone(timeZone) ? timeZone : undefined;
  // ISO with an offset, epoch numbers: as they are. A bare `yyyy-MM-dd HH:mm(:ss)` is in the zone.
  const bare = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?$/.exec(text);
  if (bare && zone) return fromFields({ year: +bare[1], month: +bare[2], day: +bare[3], hour: +bare[4], minute: +bare[5], second: +(bare[6] ?? 0) }, undefined, zone);
  const iso = toIsoTime(text);
  if (iso) return iso;
  // The rest: a date (day month-name year, month-name day year, or numeric d-m-y / y-m-d), a time, an optional zone.
  const cleaned = text.replace(/^(mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+/i, '').replace(/\s+at\s+/i, ' ').replace(/,/g, ' ').replace(/\s+/g, ' ').trim();
  let rest = cleaned;
  let y: number | undefined, mo: number | undefined, d: number | undefined;
  let m = /^(\d{1,2}) ([a-z]{3,9})\.? (\d{4})\b/i.exec(rest);
  if (m && MONTHS[m[2].slice(0, 3).toLowerCase()] !== undefined) [d, mo, y] = [+m[1], MONTHS[m[2].slice(0, 3).toLowerCase()], +m[3]];
  else if ((m = /^([a-z]{3,9})\.? (\d{1,2}) (\d{4})\b/i.exec(rest)) && MONTHS[m[1].slice(0, 3).toLowerCase()] !== undefined) [mo, d, y] = [MONTHS[m[1].slice(0, 3).toLowerCase()], +m[2], +m[3]];
  else if ((m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b/.exec(rest))) [y, mo, d] = [+m[1], +m[2], +m[3]];
  else if ((m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b/.exec(rest))) [d, mo, y] = [+m[1], +m[2], +m[3]];
  if (!m || y === undefined || mo === undefined || d === undefined) return undefined;
  rest = rest.slice(m[0].length).trim();
  let hour = 0, minute = 0, second = 0;
  const t = /^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(am|pm)?/i.exec(rest);
  if (t) {
    hour = +t[1];
    minute = +t[2];
    second = +(t[3] ?? 0);
    const meridiem = t[4]?.toLowerCase();
    if (meridiem && (hour < 1 || hour > 12)) return undefined;
    if (meridiem === 'pm' && hour < 12) hour += 12;
    if (meridiem === 'am' && hour === 12) hour = 0;
    rest = rest.slice(t[0].length).trim();
  }
  // What follows may be an offset (`+0530`, `(GMT+05:30) Chennai`), an IANA zone, or a zone name we cannot read.
  const offsetText = /^\(?((?:utc|gmt)?\s*[+-]\d{1,2}(?::?\d{2})?|utc|gmt|z)\)?/i.exec(rest)?.[1];
  const offset = offsetText === undefined ? undefined : offsetMinutes(offsetText);
  const named = offset === undefined && rest && knownZone(rest.split(' ')[0]) ? rest.split(' ')[0] : undefined;
  return fromFields({ year: y, month: mo, day: d, hour, minute, second }, offset, named ?? zone);
}

function fromFields(f: { year: number; month: number; day: number; hour: number; minute: number; second: number }, offset: number | undefined, zone: string | undefined): string | undefined {
  if (f.month < 1 || f.month > 12 || f.day < 1 || f.day > 31 || f.hour > 23 || f.minute > 59 || f.second > 60) return undefined;
  const ms = offset !== undefined
    ? Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) - offset * 60_000
    : zone ? zonedTimeToUtc(f, zone) : Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  const date = new Date(ms);
  // Reject 31 February and friends: the date must not have rolled over.
  if (Number.isNaN(ms) || (offset === undefined && !zone && date.getUTCDate() !== f.day)) return undefined;
  return date.toISOString();
}

/**
 * The event time: the first candidate that reads as a time (in the vendor's format and, for times
 * without an offset, the source's `timezone` setting), else when the gateway received the delivery.
 */
export function eventTime(context: MappingContext, ...candidates: unknown[]): string {
  for (const candidate of candidates) {
    const time = timeIn(context, candidate);
    if (time) return time;
  }
  return context.receivedAt.toISOString();
}

/** A source's `timezone` setting, when set, must be an IANA zone the platform knows. */
export function settingsTimezoneErrors(settings: Readonly<Record<string, unknown>>): FieldError[] {
  const zone = settings.timezone;
  if (zone === undefined || (typeof zone === 'string' && knownZone(zone))) return [];
  return [{ field: 'settings.timezone', message: 'must be an IANA time zone such as Europe/Berlin' }];
}

/**
 * Settings a kind does not read, named as errors: a mistyped key (`organisationId`) would
 * otherwise be stored and silently do nothing.
 */
export function unknownSettingErrors(settings: Readonly<Record<string, unknown>>, known: readonly string[]): FieldError[] {
  return Object.keys(settings)
    .filter((key) => !known.includes(key))
    .map((key) => ({ field: `settings.${key}`, message: `is not a setting of this kind (it reads ${known.join(', ')})` }));
}

/** One vendor time read with the source's `timezone` setting, or undefined. */
export function timeIn(context: Pick<MappingContext, 'settings'>, value: unknown): string | undefined {
  const zone = typeof context.settings?.timezone === 'string' ? context.settings.timezone : undefined;
  return vendorTime(value, zone);
}

/** Whether a ticket was just created: its created and updated times both known and within a minute of each other. */
export function justCreated(context: Pick<MappingContext, 'settings'>, createdAt: unknown, updatedAt: unknown): boolean {
  const created = timeIn(context, createdAt);
  const updated = timeIn(context, updatedAt);
  return created !== undefined && updated !== undefined && Math.abs(Date.parse(updated) - Date.parse(created)) <= 60_000;
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
  /** The customer's id in the CRM when the payload carries it (a Zendesk organisation's external id, Salesforce AccountId, Intercom company_id). */
  crmId?: string;
  /** The vendor's id of the customer organisation (Zendesk organization, JSM organization, Freshdesk company, ServiceNow account, Intercom company). */
  orgId?: string;
  orgName?: string;
  /** The requester's (customer's) email address. */
  requesterEmail?: string;
  /** Last resort, so the event waits visibly as unmapped instead of being dropped. */
  requesterId?: string;
}

/**
 * The account reference of a case event, the same way for every vendor: `id` when the payload
 * carries the CRM's id, `domain` from the requester's address unless it is a public mailbox
 * provider (gmail.com says nothing about the customer), `externalId` the vendor's organisation id
 * (matched against the account's `externalRefs` for this source), `name` the organisation's name.
 * account-health resolves by id, then external id, then domain. With none of these, the requester
 * (`requester:<id or address>`) keeps the event visible under unmapped accounts; undefined when
 * the payload names nobody at all.
 */
export function accountRef(hints: AccountHints): Json | undefined {
  const name = hints.orgName ? hints.orgName.slice(0, 300) : undefined;
  const address = email(hints.requesterEmail);
  const domain = domainOf(address);
  const business = domain && !isPublicMailDomain(domain) ? domain : undefined;
  const orgId = hints.orgId && hints.orgId !== '0' ? hints.orgId.slice(0, 200) : undefined;
  const crmId = hints.crmId ? hints.crmId.slice(0, 200) : undefined;
  const requester = hints.requesterId ?? address;
  const externalId = orgId ?? (!business && !crmId && requester ? `requester:${requester}`.slice(0, 200) : undefined);
  if (!crmId && !business && !externalId) return undefined;
  return compact({ id: crmId, domain: business, externalId, name });
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

/**
 * Events, with the reasons for the parts of the delivery that yielded none; no events at all is
 * an ignored delivery (with those reasons, or `whenNone`).
 */
export function mapped(events: MappedEvent[], ignoredReasons: (string | undefined)[] = [], whenNone = 'The delivery changed nothing Forewarn tracks'): MapResult {
  const reasons = [...new Set(ignoredReasons.filter((r): r is string => typeof r === 'string' && r !== ''))];
  if (events.length === 0) return ignored(...(reasons.length > 0 ? reasons : [whenNone]));
  return reasons.length > 0 ? { status: 'mapped', events, ignored: reasons.map((reason) => ({ reason })) } : { status: 'mapped', events };
}

/** A valid delivery that yields nothing, with each reason (the gateway answers `202 { accepted: 0, ignored: [{ reason }] }`). */
export function ignored(...reasons: string[]): MapResult {
  const parts: IgnoredPart[] = reasons.map((reason) => ({ reason }));
  return { status: 'ignored', reason: reasons.join('; '), ignored: parts };
}
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
