import { datetimeRegex, z } from 'zod';
import { compileUnchangedCheck, type UnchangedCheck } from './unchanged-check';

/** Every inbound CloudEvent type Forewarn understands (CONTRACT.md, "Inbound events"). */
export const EVENT_TYPES = [
  'forewarn.case.opened',
  'forewarn.case.updated',
  'forewarn.case.priority_changed',
  'forewarn.case.escalated',
  'forewarn.case.de_escalated',
  'forewarn.case.commented',
  'forewarn.case.assigned',
  'forewarn.case.resolution_proposed',
  'forewarn.case.resolution_rejected',
  'forewarn.case.resolved',
  'forewarn.case.reopened',
  'forewarn.case.closed',
  'forewarn.case.sla_breached',
  'forewarn.survey.responded',
  'forewarn.account.upserted',
  'forewarn.account.reference_added',
  'forewarn.meeting.scheduled',
  'forewarn.meeting.updated',
  'forewarn.meeting.cancelled',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];
export type CaseEventType = Extract<EventType, `forewarn.case.${string}`>;
export type MeetingEventType = Extract<EventType, `forewarn.meeting.${string}`>;

export const CASE_STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const MEETING_KINDS = ['proposal', 'qbr', 'renewal', 'demo', 'other'] as const;

const text = (max: number) => z.string().trim().min(1).max(max);
const email = z.string().trim().toLowerCase().email().max(320);
// zod's own .datetime() builds this RegExp again on every call (a measurable share of ingest CPU); the same pattern, compiled once.
const RFC3339 = datetimeRegex({ offset: true, local: false, precision: null });
const isoTime = z.string().regex(RFC3339, 'must be an RFC 3339 timestamp');

export const accountRefSchema = z
  .object({
    id: text(200).optional(),
    domain: z.string().trim().toLowerCase().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'must be a domain name').optional(),
    externalId: text(200).optional(),
    name: text(300).optional(),
  })
  .refine((ref) => ref.id !== undefined || ref.domain !== undefined || ref.externalId !== undefined, {
    message: 'needs at least one of id, domain, externalId',
  });
export type AccountRef = z.infer<typeof accountRefSchema>;

const personSchema = z.object({ name: text(300).optional(), email: email.optional() });

/**
 * A link a person may click (in the dashboard, in a mail): http or https only, never `javascript:`,
 * `data:` or `file:`. WHATWG-parsable, like zod's `.url()`.
 */
const webUrl = z
  .string()
  .max(2000)
  .refine((value) => /^https?:\/\//i.test(value) && URL.canParse(value), { message: 'must be an http or https URL' });

export const caseSchema = z.object({
  id: text(200),
  title: text(500).optional(),
  url: webUrl.optional(),
  severity: z.number().int().min(1).max(4).optional(),
  status: z.enum(CASE_STATUSES).optional(),
  escalationLevel: z.number().int().min(0).max(3).optional(),
  product: text(200).optional(),
});

const surveySchema = z
  .object({ kind: z.enum(['csat', 'nps']), score: z.number().int(), comment: z.string().max(5000).optional() })
  .superRefine((survey, ctx) => {
    const [min, max] = survey.kind === 'csat' ? [1, 5] : [0, 10];
    if (survey.score < min || survey.score > max) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['score'], message: `must be ${min} to ${max} for ${survey.kind}` });
    }
  });

const caseEventFields = {
  account: accountRefSchema,
  actor: z.object({ type: z.enum(['customer', 'agent', 'system']), name: text(300).optional(), email: email.optional() }).optional(),
  reason: z.string().max(5000).optional(),
  comment: z.object({ public: z.boolean().optional(), excerpt: z.string().max(5000).optional() }).optional(),
  assignee: z.object({ id: text(200).optional(), name: text(300).optional() }).optional(),
  survey: surveySchema.optional(),
};

export const caseEventDataSchema = z.object({ ...caseEventFields, case: caseSchema });
export const surveyEventDataSchema = z.object({ ...caseEventFields, case: caseSchema.optional(), survey: surveySchema });

export const accountUpsertedDataSchema = z.object({
  id: text(200),
  name: text(300),
  domains: z.array(z.string().trim().toLowerCase().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'must be a domain name')).max(100).default([]),
  externalRefs: z.array(z.object({ source: text(200), id: text(200) })).max(100).default([]),
  owner: personSchema.extend({ email }),
  team: text(200).optional(),
  lead: personSchema.extend({ email }).optional(),
  members: z.array(personSchema.extend({ email })).max(100).optional(),
  tier: text(50).optional(),
  arr: z.number().nonnegative().optional(),
  renewalDate: z.string().date().or(isoTime).optional(),
  timezone: text(100).optional(),
});

/**
 * An admin mapped an unmapped group of events to an account (`forewarn unmapped map`, the
 * dashboard's "map to account"): the account gains these e-mail domains and external ids, besides
 * what its CRM says, and claims the events that name it by them. Internal: produced by admin paths
 * only, never accepted from a source (no allowance covers it).
 */
export const accountReferenceAddedDataSchema = z
  .object({
    accountId: text(200),
    domains: z.array(z.string().trim().toLowerCase().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'must be a domain name')).max(100).default([]),
    externalRefs: z.array(z.object({ source: text(200), id: text(200) })).max(100).default([]),
    /** The unmapped group it maps (`domain:acme.com`, `external:360001`, …), for the record. */
    group: text(500).optional(),
    /** Who mapped it: `cli:<user>@<host>` or a dashboard user's e-mail. */
    by: text(320).optional(),
  })
  .refine((data) => data.domains.length + data.externalRefs.length > 0, { message: 'needs at least one of domains, externalRefs' });

const meetingSchema = z.object({
  id: text(200),
  title: text(500).optional(),
  startsAt: isoTime.optional(),
  endsAt: isoTime.optional(),
  kind: z.enum(MEETING_KINDS).optional(),
  organizer: personSchema.optional(),
  attendees: z.array(personSchema).max(500).optional(),
});
export const meetingEventDataSchema = z.object({ account: accountRefSchema, meeting: meetingSchema });
const scheduledMeetingDataSchema = z.object({
  account: accountRefSchema,
  meeting: meetingSchema.extend({ startsAt: isoTime }),
});

export type CaseEventData = z.infer<typeof caseEventDataSchema>;
export type SurveyEventData = z.infer<typeof surveyEventDataSchema>;
export type AccountUpsertedData = z.infer<typeof accountUpsertedDataSchema>;
export type AccountReferenceAddedData = z.infer<typeof accountReferenceAddedDataSchema>;
export type MeetingEventData = z.infer<typeof meetingEventDataSchema>;

/** The compiler pairs each event type with the shape of its `data`. */
export interface EventDataMap {
  'forewarn.case.opened': CaseEventData;
  'forewarn.case.updated': CaseEventData;
  'forewarn.case.priority_changed': CaseEventData;
  'forewarn.case.escalated': CaseEventData;
  'forewarn.case.de_escalated': CaseEventData;
  'forewarn.case.commented': CaseEventData;
  'forewarn.case.assigned': CaseEventData;
  'forewarn.case.resolution_proposed': CaseEventData;
  'forewarn.case.resolution_rejected': CaseEventData;
  'forewarn.case.resolved': CaseEventData;
  'forewarn.case.reopened': CaseEventData;
  'forewarn.case.closed': CaseEventData;
  'forewarn.case.sla_breached': CaseEventData;
  'forewarn.survey.responded': SurveyEventData;
  'forewarn.account.upserted': AccountUpsertedData;
  'forewarn.account.reference_added': AccountReferenceAddedData;
  'forewarn.meeting.scheduled': MeetingEventData;
  'forewarn.meeting.updated': MeetingEventData;
  'forewarn.meeting.cancelled': MeetingEventData;
}

export const dataSchemaFor = (type: EventType): z.ZodTypeAny => {
  if (type === 'forewarn.account.upserted') return accountUpsertedDataSchema;
  if (type === 'forewarn.account.reference_added') return accountReferenceAddedDataSchema;
  if (type === 'forewarn.survey.responded') return surveyEventDataSchema;
  if (type === 'forewarn.meeting.cancelled') return meetingEventDataSchema;
  if (type.startsWith('forewarn.meeting.')) return scheduledMeetingDataSchema;
  return caseEventDataSchema;
};

/** CloudEvents 1.0 envelope in structured JSON mode (its `data` is checked by `dataSchemaFor(type)`). */
export const envelopeSchema = z
  .object({
    specversion: z.literal('1.0', { errorMap: () => ({ message: 'must be "1.0"' }) }),
    id: text(200),
    source: z.string().max(500).optional(),
    type: z.enum(EVENT_TYPES, { errorMap: () => ({ message: 'is not a Forewarn event type (see CONTRACT.md)' }) }),
    time: isoTime.optional(),
    subject: z.string().max(500).optional(),
    datacontenttype: z.string().max(200).optional(),
    forewarnreceivedat: isoTime.optional(),
    data: z.record(z.unknown(), { errorMap: () => ({ message: 'must be a JSON object' }) }),
  })
  .passthrough();

// The hot path: most events are already valid and canonical (trimmed, lower-case where zod
// lower-cases, no unknown fields), so zod, which would return equal copies, is skipped for them.
const envelopeUnchanged = compileUnchangedCheck(envelopeSchema);
const dataUnchanged = new Map(EVENT_TYPES.map((type) => [type, compileUnchangedCheck(dataSchemaFor(type))]));
function isUnchangedByZod(raw: object): boolean {
  if (!envelopeUnchanged(raw)) return false;
  const { type, data } = raw as { type: EventType; data: unknown };
  return (dataUnchanged.get(type) as UnchangedCheck)(data);
}

type Envelope<T extends EventType> = {
  specversion: '1.0';
  id: string;
  source: string;
  type: T;
  /** When it happened in the support system (receipt time if the sender gave none). */
  time: string;
  subject?: string;
  datacontenttype?: string;
  /** When Forewarn accepted it (a CloudEvents extension attribute). */
  forewarnreceivedat: string;
  /** The `time` a producer claimed when a consumer found it too far in the future (see capFutureTime). */
  forewarnclaimedtime?: string;
  data: EventDataMap[T];
};

/** An inbound event as it travels on `<prefix>events.v1`: validated, with source and times set. */
export type InboundEvent = { [T in EventType]: Envelope<T> }[EventType];

export interface FieldError {
  /** Where the problem is, e.g. `data.case.id` or `[2].type` in a batch. */
  field: string;
  message: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** Messages that read as the end of a sentence after the field name: "data.case.id is required". */
const errorMap: z.ZodErrorMap = (issue, ctx) => {
  if (issue.code === z.ZodIssueCode.invalid_type) {
    return { message: issue.received === 'undefined' ? 'is required' : `must be ${issue.expected === 'array' ? 'an array' : `a ${issue.expected}`}, not ${issue.received}` };
  }
  if (issue.code === z.ZodIssueCode.too_small && issue.type === 'string') return { message: issue.minimum === 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters` };
  if (issue.code === z.ZodIssueCode.too_big && issue.type === 'string') return { message: `must be at most ${issue.maximum} characters` };
  if (issue.code === z.ZodIssueCode.too_small && issue.type === 'number') return { message: `must be at least ${issue.minimum}` };
  if (issue.code === z.ZodIssueCode.too_big && issue.type === 'number') return { message: `must be at most ${issue.maximum}` };
  if (issue.code === z.ZodIssueCode.invalid_enum_value) return { message: `must be one of ${issue.options.join(', ')}` };
  if (issue.code === z.ZodIssueCode.invalid_string && issue.validation === 'email') return { message: 'must be an email address' };
  return { message: ctx.defaultError };
};

const toFieldErrors = (error: z.ZodError, prefix: string): FieldError[] =>
  error.issues.map((issue) => ({
    field: issue.path.reduce<string>(
      (path, part) => (typeof part === 'number' ? `${path}[${part}]` : path ? `${path}.${part}` : String(part)),
      prefix,
    ) || '(body)',
    message: issue.message,
  }));

export interface StampOptions {
  /** `/sources/<name>` of the authenticated sender (gateway); it overrides whatever the body said. */
  source?: string;
  /** Receipt time: the gateway's clock, or a consumer's Kafka message timestamp. */
  receivedAt: Date;
  /** Refuse an event `time` more than MAX_FUTURE_SKEW_MS after `receivedAt` (the gateway does). */
  refuseFuture?: boolean;
}

/** How far ahead of the receiver's clock an event time may be: clocks differ a little, never by days. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

/**
 * Validates one inbound CloudEvent (envelope and the data of its type) and stamps it with the
 * authenticated source and the receipt time. The gateway calls it, and every consumer again,
 * because producers may write to the topic directly.
 */
export function parseInboundEvent(raw: unknown, stamp: StampOptions, fieldPrefix = ''): Validation<InboundEvent> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, errors: [{ field: fieldPrefix || '(body)', message: 'must be a CloudEvent JSON object' }] };
  }
  if (isUnchangedByZod(raw)) return stampEvent(raw as ValidEnvelope, (raw as ValidEnvelope).data, stamp, fieldPrefix);
  const envelope = envelopeSchema.safeParse(raw, { errorMap });
  if (!envelope.success) return { ok: false, errors: toFieldErrors(envelope.error, fieldPrefix) };
  const data = dataSchemaFor(envelope.data.type).safeParse(envelope.data.data, { errorMap });
  if (!data.success) return { ok: false, errors: toFieldErrors(data.error, fieldPrefix ? `${fieldPrefix}.data` : 'data') };
  return stampEvent(envelope.data, data.data, stamp, fieldPrefix);
}

type ValidEnvelope = z.infer<typeof envelopeSchema>;
const STAMPED_KEYS = new Set(['specversion', 'id', 'source', 'type', 'time', 'forewarnreceivedat', 'data']);

/** A new event: the envelope with its validated data, source and times (its other attributes kept as they are). */
function stampEvent(envelope: ValidEnvelope, data: unknown, stamp: StampOptions, fieldPrefix: string): Validation<InboundEvent> {
  const source = stamp.source ?? envelope.source;
  if (!source) return { ok: false, errors: [{ field: fieldPrefix ? `${fieldPrefix}.source` : 'source', message: 'is required' }] };
  if (stamp.refuseFuture && envelope.time !== undefined && isAheadOf(envelope.time, stamp.receivedAt)) {
    const message = `must not be more than ${MAX_FUTURE_SKEW_MS / 60_000} minutes ahead of the gateway's clock (${isoTimeOf(stamp.receivedAt)})`;
    return { ok: false, errors: [{ field: fieldPrefix ? `${fieldPrefix}.time` : 'time', message }] };
  }
  // The gateway is where an event is accepted, so its clock wins; a consumer keeps the gateway's.
  const receivedAt = stamp.source ? isoTimeOf(stamp.receivedAt) : (envelope.forewarnreceivedat ?? isoTimeOf(stamp.receivedAt));
  // One object literal and a copy of the other attributes: several times cheaper than a spread.
  const event: Record<string, unknown> = { specversion: envelope.specversion, id: envelope.id, source, type: envelope.type, time: envelope.time ?? receivedAt, forewarnreceivedat: receivedAt, data };
  for (const key in envelope) if (!STAMPED_KEYS.has(key)) event[key] = envelope[key];
  return { ok: true, value: event as InboundEvent };
}

// The latest acceptable time of the last receipt time asked about, to the second (`YYYY-MM-DDTHH:MM:SS`).
let lastLimitOf = NaN;
let lastLimitSecond = '';

/**
 * Whether an RFC 3339 time is more than MAX_FUTURE_SKEW_MS after `receivedAt`. A UTC time in an
 * earlier second than the limit is answered by comparing text (RFC 3339 UTC sorts as text), which
 * is most events and several times cheaper than Date.parse; any other time is parsed.
 */
function isAheadOf(time: string, receivedAt: Date): boolean {
  const limit = receivedAt.getTime() + MAX_FUTURE_SKEW_MS;
  if (limit !== lastLimitOf) {
    lastLimitSecond = new Date(limit).toISOString().slice(0, 19);
    lastLimitOf = limit;
  }
  if (time.endsWith('Z') && time < lastLimitSecond) return false;
  return Date.parse(time) > limit;
}

// A batch shares one receipt time, and toISOString is not cheap: the last one is remembered.
let lastTime = NaN;
let lastIso = '';
function isoTimeOf(date: Date): string {
  const time = date.getTime();
  if (time !== lastTime) {
    lastIso = date.toISOString();
    lastTime = time;
  }
  return lastIso;
}

/**
 * For consumers, which producers may reach without the gateway: an event dated more than
 * MAX_FUTURE_SKEW_MS after it was received is ordered as if it happened when it was received, so a
 * made-up future time cannot win over the updates that follow it. The time it claimed is kept in
 * `forewarnclaimedtime`. Events within the skew (all that the gateway accepts) are returned as they are.
 */
export function capFutureTime(event: InboundEvent, receivedAtMs: number): InboundEvent {
  if (!(Date.parse(event.time) > receivedAtMs + MAX_FUTURE_SKEW_MS)) return event;
  return { ...event, time: new Date(receivedAtMs).toISOString(), forewarnclaimedtime: event.time };
}

/** The account an account event is about (an upsert's own id, the account a reference was added to); null for other events. */
export function ownAccountOf(event: InboundEvent): string | null {
  if (event.type === 'forewarn.account.upserted') return event.data.id;
  if (event.type === 'forewarn.account.reference_added') return event.data.accountId;
  return null;
}

/** Every reference to its account an event carries (an account event names its own id). */
export function accountRefOf(event: InboundEvent): AccountRef {
  const own = ownAccountOf(event);
  if (own !== null) return { id: own };
  return (event.data as { account: AccountRef }).account;
}

/** The partition key: everything about one account goes to one partition, in order. */
export function accountKeyOf(event: InboundEvent): string {
  const own = ownAccountOf(event);
  if (own !== null) return own;
  const ref = (event.data as { account: AccountRef }).account;
  if (ref.id) return ref.id;
  if (ref.domain) return `domain:${ref.domain}`;
  return `external:${ref.externalId}`;
}

export const isCaseEvent = (event: InboundEvent): event is Extract<InboundEvent, { type: CaseEventType }> =>
  event.type.startsWith('forewarn.case.');
export const isMeetingEvent = (event: InboundEvent): event is Extract<InboundEvent, { type: MeetingEventType }> =>
  event.type.startsWith('forewarn.meeting.');
