import type { EventType, FieldError } from '@forewarn/contracts';

/** The support systems and CRMs whose own webhook payloads the gateway understands. */
export const WEBHOOK_KINDS = ['zendesk', 'jira', 'freshdesk', 'servicenow', 'intercom', 'salesforce'] as const;
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
  /**
   * The source's own settings (stored with the source; `undefined` when it has none). What a vendor
   * reads is documented with it in docs/webhooks/<vendor>.md; today: Salesforce `organizationId` and
   * `accountFields`, Freshdesk and Salesforce `timezone` (an IANA zone for times rendered without one).
   */
  settings?: Readonly<Record<string, unknown>>;
  /** The source's name, for `externalRefs` of accounts a CRM source upserts (`{ source, id }`). */
  sourceName?: string;
}

/** One part of a delivery Forewarn did not turn into an event, and why: the gateway answers it as `ignored: [{ reason }]`. */
export interface IgnoredPart {
  reason: string;
}

export type MapResult =
  /**
   * One delivery may yield several events (a priority and an assignee change are two); `ignored`
   * lists the parts of it that yielded nothing (an account without an owner e-mail in a batch of
   * Salesforce notifications, say), so the answer can say so.
   */
  | { status: 'mapped'; events: MappedEvent[]; ignored?: IgnoredPart[] }
  /**
   * A valid delivery that yields nothing Forewarn tracks: the gateway answers `202` with
   * `{ "accepted": 0, "ignored": [{ "reason" }] }`. `reason` is the reasons joined, for callers
   * that show one line.
   */
  | { status: 'ignored'; reason: string; ignored: IgnoredPart[] }
  /** A body that is not this vendor's format at all (`400`): the errors name the fields. */
  | { status: 'invalid'; errors: FieldError[] };

export type WebhookMapper = (payload: unknown, context: MappingContext) => MapResult;
