import { accountKeyOf, type InboundEvent, KAFKA_HEADER } from '@forewarn/contracts';
import { traceparentOf } from '@forewarn/service-kit';
import type { OutgoingMessage } from './publisher';

/**
 * The one encoding of an inbound event as a Kafka message on `<prefix>events.v1`: keyed by its
 * account (so everything about an account stays in order in one partition), the event as JSON,
 * and the CloudEvents binding's type and source headers beside the correlation id and the trace
 * it arrived in (W3C `traceparent`: the gateway's request span).
 */
export function eventMessage(event: InboundEvent, correlationId: string): OutgoingMessage {
  const headers: Record<string, string> = { [KAFKA_HEADER.correlationId]: correlationId, ce_type: event.type, ce_source: event.source };
  const traceparent = traceparentOf();
  if (traceparent) headers[KAFKA_HEADER.traceparent] = traceparent;
  return { key: accountKeyOf(event), value: JSON.stringify(event), headers };
}
