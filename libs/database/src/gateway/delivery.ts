/** What became of a webhook delivery: events accepted, nothing on purpose (ignored), or refused (rejected, with the status answered). */
export const DELIVERY_OUTCOMES = ['accepted', 'ignored', 'rejected'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/** Why a delivery was rejected, as its problem+json said. */
export interface DeliveryProblem {
  title: string;
  detail: string;
  errors?: { field: string; message: string }[];
  mappingError?: unknown;
}

/** A delivery as the gateway (or `forewarn source redeliver`) records it in the delivery log. */
export interface NewDelivery {
  receivedAt: Date;
  source: string;
  kind: string;
  outcome: DeliveryOutcome;
  /** The HTTP status answered (200 for Salesforce's acknowledgement, 202, or the refusal's). */
  status: number;
  eventIds: string[];
  ignored: { reason: string }[];
  problem: DeliveryProblem | null;
  mediaType: string | null;
  /** Without credentials, cookies or signatures (`keptHeaders`). */
  headers: Record<string, string>;
  /** Secrets stripped and size-capped (`keptBody`); null when none was kept. */
  body: string | null;
  bodyBytes: number;
  bodyTruncated: boolean;
  correlationId: string | null;
  /** The delivery this one ran again (`forewarn source redeliver`). */
  redeliveryOf?: string | null;
}

/** One entry of a source's delivery log, as `forewarn source log` prints it and the dashboard shows it (view `gateway.delivery_log`). */
export interface DeliveryLogEntry {
  /** The delivery id `forewarn source redeliver` takes. */
  id: string;
  at: string;
  source: string;
  kind: string;
  outcome: DeliveryOutcome;
  status: number;
  /** Ids of the events it produced (and that were accepted). */
  events: string[];
  /** What yielded nothing, with why. */
  ignored: { reason: string }[];
  problem: DeliveryProblem | null;
  mediaType: string | null;
  /** The body's size as received. */
  bytes: number;
  /** The body was cut at GATEWAY_DELIVERY_LOG_MAX_BODY_BYTES (it cannot be redelivered). */
  truncated: boolean;
  body: string | null;
  correlationId: string | null;
  redeliveryOf: string | null;
}

/** A kept delivery as a redelivery needs it: its entry and the headers it came with. */
export interface KeptDelivery extends DeliveryLogEntry {
  headers: Record<string, string>;
}
