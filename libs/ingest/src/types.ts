import type { EventType, FieldError } from '@forewarn/contracts';

/** The support systems whose own webhook payloads the gateway understands. */
export const WEBHOOK_KINDS = ['zendesk', 'jira', 'freshdesk', 'servicenow'] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];

export const isWebhookKind = (value: string): value is WebhookKind => (WEBHOOK_KINDS as readonly string[]).includes(value);

/**
 * A canonical inbound CloudEvent as a mapper produces it: no `source` (the gateway stamps the
 * authenticated one) and a `time` that is either the vendor's or the time of receipt. The gateway
 * validates it with `parseInboundEvent` like any other event.
 */
export interface MappedEvent {
  specversion: '1.0';
  /** Deterministic per delivery content, so that a retried delivery is a no-op downstream. */
  id: string;
  type: EventType;
  time: string;
  subject?: string;
  data: Record<string, unknown>;
}

export interface MappingContext {
  /** When the gateway received the delivery: the event time when the payload carries none. */
  receivedAt: Date;
}

export type MapResult =
  /** One delivery may yield several events (a priority and an assignee change are two). */
  | { status: 'mapped'; events: MappedEvent[] }
  /** A valid delivery that Forewarn deliberately does not turn into events; the reason says why. */
  | { status: 'ignored'; reason: string }
  /** A payload that is not what the vendor sends: the errors name the fields. */
  | { status: 'invalid'; errors: FieldError[] };

export type WebhookMapper = (payload: unknown, context: MappingContext) => MapResult;
