import { accountKeyOf, type InboundEvent, KAFKA_HEADER } from '@forewarn/contracts';
import type { OutgoingMessage } from './publisher';

/**
 * The one encoding of an inbound event as a Kafka message on `<prefix>events.v1`: keyed by its
 * account (so everything about an account stays in order in one partition), the event as JSON,
 * and the CloudEvents binding's type and source headers beside the correlation id.
 */
export function eventMessage(event: InboundEvent, correlationId: string): OutgoingMessage {
  return {
    key: accountKeyOf(event),
    value: JSON.stringify(event),
    headers: { [KAFKA_HEADER.correlationId]: correlationId, ce_type: event.type, ce_source: event.source },
  };
}
