import { type Allowance, disallowedEvents, type FieldError, type InboundEvent, parseInboundEvent } from '@forewarn/contracts';
import { MAX_JSON_DEPTH, nestsDeeperThan, readJsonBody } from './json-body';
import { describeMappingError, MAPPED_KIND, type MappingCache, runMapping } from './mapped/mapping';
import { type IgnoredPart, isWebhookKind, type MappedEvent, type MappingContext, WEBHOOK_KINDS, type WebhookKind } from './types';
import { type VendorAnswer, WEBHOOK_VENDORS, type WebhookOutcome, type WebhookVendor } from './vendors';

/**
 * One webhook delivery of any kind, from its bytes to the events it yields and the answer its
 * sender expects, without I/O: the gateway's webhook pipeline runs it on every delivery, and
 * `forewarn source redeliver` runs it again on a kept one (so a redelivery is mapped exactly as a
 * delivery would be today). What depends on the sender is a `DeliveryMapper`: a vendor of
 * `WEBHOOK_VENDORS`, or a `mapped` source's JSONata mapping.
 */

/** What `/v1/webhooks/<kind>/…` takes: a vendor's own payloads, or any JSON a mapped source's mapping reads. */
export type DeliveryKind = WebhookKind | typeof MAPPED_KIND;
export const DELIVERY_KINDS: readonly DeliveryKind[] = [...WEBHOOK_KINDS, MAPPED_KIND];
export const isDeliveryKind = (value: string): value is DeliveryKind => (DELIVERY_KINDS as readonly string[]).includes(value);

/** The source a delivery was sent to, as far as mapping it needs to know. */
export interface DeliverySource {
  name: string;
  kind: string;
  /** A `mapped` source's JSONata mapping. */
  mapping?: string | null;
  /** What it may send (`cases`, `meetings`, `accounts`). */
  allow: readonly Allowance[];
  /** The source's settings, for the vendor's mapper (`MappingContext.settings`). */
  settings?: Readonly<Record<string, unknown>>;
}

/** A delivery as it came: the exact bytes, its media type (lower case, no parameters), headers (lower-case names, one value each) and when it arrived. */
export interface Delivery {
  rawBody: Buffer;
  mediaType: string | undefined;
  headers: Record<string, string>;
  receivedAt: Date;
}

/** Why a delivery is refused, as the HTTP answer says it: status, problem title and detail, and extra members (`errors`, `mappingError`). */
export interface DeliveryRefusal {
  status: number;
  title: string;
  detail: string;
  extra?: Record<string, unknown>;
}

/** What mapping a delivery gave: events and the parts ignored with why (no events: an ignored delivery), or a refusal. */
export type DeliveryMapping = { ok: true; events: MappedEvent[]; ignored: IgnoredPart[] } | { ok: false; refusal: DeliveryRefusal };

/**
 * The steps that depend on who sent a delivery: how its body is read, how it becomes events and
 * how it is answered.
 */
export interface DeliveryMapper {
  readonly kind: DeliveryKind;
  parse(rawBody: Buffer, mediaType: string | undefined): { ok: true; payload: unknown } | { ok: false; refusal: DeliveryRefusal };
  map(payload: unknown, context: MappingContext & { headers: Record<string, string> }): Promise<DeliveryMapping>;
  /** The answer to a delivery that was accepted or ignored: the vendor's own (Salesforce's SOAP acknowledgement), else `202` with JSON. */
  answer(outcome: WebhookOutcome): VendorAnswer;
}

const refused = (status: number, title: string, detail: string, extra?: Record<string, unknown>): { ok: false; refusal: DeliveryRefusal } => ({ ok: false, refusal: { status, title, detail, ...(extra ? { extra } : {}) } });

/** The JSON answer of an accepted or ignored delivery: `{ accepted, ids }`, and `ignored: [{ reason }]` when any part yielded nothing. */
export function jsonAnswer(outcome: Pick<WebhookOutcome, 'accepted' | 'ids' | 'ignored'>): VendorAnswer {
  const body = outcome.ignored.length > 0 ? { accepted: outcome.accepted, ids: outcome.ids, ignored: outcome.ignored } : { accepted: outcome.accepted, ids: outcome.ids };
  return { status: 202, contentType: 'application/json', body: JSON.stringify(body) };
}

function parseJson(rawBody: Buffer): { ok: true; payload: unknown } | { ok: false; refusal: DeliveryRefusal } {
  const read = readJsonBody(rawBody);
  return read.ok ? { ok: true, payload: read.value } : refused(400, 'Malformed JSON', read.detail);
}

const firstError = (errors: FieldError[]): string => (errors.length > 0 ? `${errors[0].field} ${errors[0].message}` : 'unreadable');

/** A vendor of WEBHOOK_VENDORS: its parser (JSON unless it brings its own), its mapper with the source's settings, its answer. */
export function vendorMapper(vendor: WebhookVendor): DeliveryMapper {
  return {
    kind: vendor.kind,
    parse(rawBody, mediaType) {
      if (!vendor.parse) return parseJson(rawBody);
      const parsed = vendor.parse(rawBody, mediaType);
      if (!parsed.ok) {
        return refused(400, 'Invalid webhook payload', `The body is not a ${vendor.kind} delivery Forewarn can read (nothing was accepted): ${firstError(parsed.errors)}.`, { errors: parsed.errors });
      }
      if (nestsDeeperThan(parsed.payload, MAX_JSON_DEPTH)) return refused(400, 'Malformed JSON', `The body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep.`);
      return parsed;
    },
    async map(payload, context) {
      const result = vendor.map(payload, { receivedAt: context.receivedAt, settings: context.settings, sourceName: context.sourceName });
      if (result.status === 'invalid') {
        return refused(400, 'Invalid webhook payload', `This is not a ${vendor.kind} webhook payload Forewarn understands (nothing was accepted): ${firstError(result.errors)}.`, { errors: result.errors });
      }
      if (result.status === 'ignored') return { ok: true, events: [], ignored: result.ignored.length > 0 ? result.ignored : [{ reason: result.reason }] };
      return { ok: true, events: result.events, ignored: result.ignored ?? [] };
    },
    answer: (outcome) => vendor.answer?.(outcome) ?? jsonAnswer(outcome),
  };
}

/** A mapped source: the JSONata mapping stored with it, compiled (once per text, in `mappings`), over a JSON body. */
export function jsonataMapper(source: DeliverySource, mappings: MappingCache): { ok: true; mapper: DeliveryMapper } | { ok: false; refusal: DeliveryRefusal } {
  if (!source.mapping) {
    return refused(409, 'No mapping', `Source "${source.name}" has no mapping yet, so nothing was accepted. Test one with "npx forewarn mapping test <file.jsonata> <sample.json>" and set it with "npx forewarn mapping set ${source.name} <file.jsonata>".`);
  }
  const compiled = mappings.get(source.mapping);
  if (!compiled.ok) {
    return refused(409, 'No mapping', `The mapping of source "${source.name}" does not compile (${describeMappingError(compiled.error)}), so nothing was accepted.`, { mappingError: compiled.error });
  }
  return {
    ok: true,
    mapper: {
      kind: MAPPED_KIND,
      parse: parseJson,
      async map(payload, { receivedAt, headers }) {
        const result = await runMapping(compiled.mapping, payload, { receivedAt, source: source.name, headers });
        if (result.status === 'failed') {
          return refused(400, 'Mapping failed', `The mapping of source "${source.name}" failed on this payload (nothing was accepted): ${describeMappingError(result.error)}.`, { mappingError: result.error });
        }
        if (result.status === 'invalid') {
          return refused(400, 'Invalid webhook payload', `The mapping of source "${source.name}" did not produce events (nothing was accepted): ${firstError(result.errors)}.`, { errors: result.errors });
        }
        if (result.status === 'ignored') return { ok: true, events: [], ignored: result.ignored };
        return { ok: true, events: result.events, ignored: [] };
      },
      answer: jsonAnswer,
    },
  };
}

/** The mapper of a source: its vendor's, or its JSONata mapping (a refusal while it has none that compiles). */
export function deliveryMapperOf(source: DeliverySource, mappings: MappingCache): { ok: true; mapper: DeliveryMapper } | { ok: false; refusal: DeliveryRefusal } {
  if (isWebhookKind(source.kind)) return { ok: true, mapper: vendorMapper(WEBHOOK_VENDORS[source.kind]) };
  if (source.kind === MAPPED_KIND) return jsonataMapper(source, mappings);
  return refused(403, 'Forbidden', `Source "${source.name}" is registered for ${source.kind}, which takes no webhooks.`);
}

/** Reads and maps one delivery with its source's mapper: what it yields, or why it is refused. */
export async function mapDelivery(mapper: DeliveryMapper, source: DeliverySource, delivery: Delivery): Promise<DeliveryMapping> {
  const parsed = mapper.parse(delivery.rawBody, delivery.mediaType);
  if (!parsed.ok) return parsed;
  return mapper.map(parsed.payload, { receivedAt: delivery.receivedAt, headers: delivery.headers, settings: source.settings, sourceName: source.name });
}

/**
 * The events of a delivery, validated as events posted to `/v1/events` are: at most `maxEvents`
 * (413), each within the contract (400, naming `events[i].<field>`; a time more than 5 minutes
 * ahead of `receivedAt` included), and each one the source may send (403). All or nothing.
 */
export function validateDelivery(mapped: MappedEvent[], source: DeliverySource, receivedAt: Date, maxEvents: number): { ok: true; events: InboundEvent[] } | { ok: false; refusal: DeliveryRefusal } {
  if (mapped.length > maxEvents) return refused(413, 'Content Too Large', `This delivery maps to ${mapped.length} events; at most ${maxEvents} are accepted at once.`);
  const events: InboundEvent[] = [];
  const errors: FieldError[] = [];
  const stamp = { source: `/sources/${source.name}`, receivedAt, refuseFuture: true };
  mapped.forEach((event, index) => {
    const result = parseInboundEvent(event, stamp, `events[${index}]`);
    if (result.ok) events.push(result.value);
    else errors.push(...result.errors);
  });
  if (errors.length > 0) {
    return refused(400, 'Invalid webhook payload', `The payload maps to an event Forewarn cannot accept (nothing was accepted): ${firstError(errors)}.`, { errors });
  }
  const disallowed = disallowedEvents(events, source.allow, source.name, (index) => `events[${index}].type`);
  if (disallowed.length > 0) {
    return refused(403, 'Forbidden', `The delivery was rejected as a whole (nothing was accepted): ${disallowed[0].field}: ${disallowed[0].message}.`, { errors: disallowed });
  }
  return { ok: true, events };
}
