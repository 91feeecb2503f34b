import type { Source } from '@forewarn/database';
import {
  describeMappingError, MAPPED_KIND, type MappedEvent, type MappingCache, type MappingContext, runMapping, WEBHOOK_KINDS, type WebhookKind, type WebhookVendor,
} from '@forewarn/ingest';
import { Problem } from '@forewarn/service-kit';
import { parseJsonBody } from '../ingest/request-body';

/** What `/v1/webhooks/<kind>/…` takes: a vendor's own payloads, or any JSON a mapped source's mapping reads. */
export type DeliveryKind = WebhookKind | typeof MAPPED_KIND;
export const DELIVERY_KINDS: readonly DeliveryKind[] = [...WEBHOOK_KINDS, MAPPED_KIND];
export const isDeliveryKind = (value: string): value is DeliveryKind => (DELIVERY_KINDS as readonly string[]).includes(value);

/** A delivery as a mapper sees it, besides its body. */
export interface Delivery extends MappingContext {
  /** The request's headers with a single value, lower-case names. */
  headers: Record<string, string>;
}

/** What a delivery became: events, or nothing on purpose (the reason says why). */
export type Mapped = { events: MappedEvent[] } | { ignored: string };

export interface WebhookAnswer {
  accepted: number;
  ids: string[];
  /** Present when the delivery was valid but Forewarn deliberately made no event of it. */
  ignored?: string;
}

/** The HTTP answer to a delivery, as the sender expects it. */
export interface WebhookReply {
  status: number;
  contentType: string;
  body: string;
}

/**
 * The steps of the webhook pipeline that depend on who sent the delivery: how its body is read,
 * how it becomes events, and how it is answered. A problem thrown here (400) names what is wrong.
 */
export interface DeliveryMapper {
  parse(rawBody: Buffer): unknown;
  map(payload: unknown, delivery: Delivery): Promise<Mapped>;
  answer(answer: WebhookAnswer): WebhookReply;
}

/** The answer every kind gives so far: 202 with what was accepted, as JSON. */
export const jsonAnswer = (answer: WebhookAnswer): WebhookReply => ({ status: 202, contentType: 'application/json', body: JSON.stringify(answer) });

/**
 * A vendor of WEBHOOK_VENDORS in the pipeline: its mapper, over a JSON body, answered with JSON.
 * A vendor that reads another format or expects its own acknowledgement gives its own `parse` or
 * `answer` here, in place of the defaults.
 */
export function vendorMapper(vendor: WebhookVendor): DeliveryMapper {
  return {
    parse: parseJsonBody,
    async map(payload, { receivedAt }) {
      const result = vendor.map(payload, { receivedAt });
      if (result.status === 'invalid') {
        const [first] = result.errors;
        throw new Problem(400, 'Invalid webhook payload', `This is not a ${vendor.kind} webhook payload Forewarn understands (nothing was accepted): ${first.field} ${first.message}.`, { errors: result.errors });
      }
      return result.status === 'ignored' ? { ignored: result.reason } : { events: result.events };
    },
    answer: jsonAnswer,
  };
}

/** A mapped source in the pipeline: the JSONata mapping stored with it, compiled, over a JSON body. */
export function jsonataMapper(source: Source, mappings: MappingCache): DeliveryMapper {
  if (!source.mapping) {
    throw new Problem(409, 'No mapping', `Source "${source.name}" has no mapping yet, so nothing was accepted. Test one with "npx forewarn mapping test <file.jsonata> <sample.json>" and set it with "npx forewarn mapping set ${source.name} <file.jsonata>".`);
  }
  const compiled = mappings.get(source.mapping);
  if (!compiled.ok) {
    throw new Problem(409, 'No mapping', `The mapping of source "${source.name}" does not compile (${describeMappingError(compiled.error)}), so nothing was accepted.`, { mappingError: compiled.error });
  }
  return {
    parse: parseJsonBody,
    async map(payload, { receivedAt, headers }) {
      const result = await runMapping(compiled.mapping, payload, { receivedAt, source: source.name, headers });
      if (result.status === 'failed') {
        throw new Problem(400, 'Mapping failed', `The mapping of source "${source.name}" failed on this payload (nothing was accepted): ${describeMappingError(result.error)}.`, { mappingError: result.error });
      }
      if (result.status === 'invalid') {
        const [first] = result.errors;
        throw new Problem(400, 'Invalid webhook payload', `The mapping of source "${source.name}" did not produce events (nothing was accepted): ${first.field} ${first.message}.`, { errors: result.errors });
      }
      return result.status === 'ignored' ? { ignored: result.reason } : { events: result.events };
    },
    answer: jsonAnswer,
  };
}
