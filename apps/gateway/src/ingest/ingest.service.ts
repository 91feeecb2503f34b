import { Inject, Injectable } from '@nestjs/common';
import { disallowedEvents, type FieldError, type InboundEvent, parseInboundEvent, type Topics } from '@forewarn/contracts';
import { eventMessage, KafkaUnavailableError, type OutgoingMessage, Publisher, TOPICS } from '@forewarn/messaging';
import { Metrics, Problem } from '@forewarn/service-kit';
import type { Source } from '@forewarn/database';

const RETRY_AFTER_SECONDS = '5';

/**
 * What waits for Kafka's acknowledgement: the encoded messages and the ids, not the parsed events,
 * so those die young instead of being promoted and collected later (GC time, peak RSS).
 */
export interface Outgoing {
  messages: OutgoingMessage[];
  ids: string[];
}

/**
 * Validates inbound CloudEvents and puts them on `<prefix>events.v1`, keyed by account.
 * All-or-nothing: one invalid event rejects the whole batch, and nothing is published.
 */
@Injectable()
export class IngestService {
  private readonly accepted;

  constructor(private readonly publisher: Publisher, @Inject(TOPICS) private readonly topics: Topics, metrics: Metrics) {
    this.accepted = metrics.counter('forewarn_gateway_events_accepted_total', 'Events accepted and acknowledged by Kafka', ['source']);
  }

  /**
   * Validates events posted to /v1/events: 400 naming each bad field (an event time more than 5
   * minutes ahead of `receivedAt` included), then 403 naming each event the source may not send.
   */
  validate(bodies: unknown[], source: Source, receivedAt: Date, isBatch: boolean): InboundEvent[] {
    const events: InboundEvent[] = [];
    const errors: FieldError[] = [];
    const stamp = { source: `/sources/${source.name}`, receivedAt, refuseFuture: true };
    bodies.forEach((body, index) => {
      const result = parseInboundEvent(body, stamp, isBatch ? `[${index}]` : '');
      if (result.ok) events.push(result.value);
      else errors.push(...result.errors);
    });
    const where = isBatch ? `The batch was rejected as a whole (nothing was accepted): ` : '';
    if (errors.length > 0) {
      const first = errors[0];
      throw new Problem(400, 'Invalid event', `${where}${first.field} ${first.message}.`, { errors });
    }
    this.checkAllowance(events, source, (index) => (isBatch ? `[${index}].type` : 'type'), where);
    return events;
  }

  /** 403, naming each event by its type and place, when the source may not send all of them (all or nothing). */
  private checkAllowance(events: InboundEvent[], source: Source, fieldOf: (index: number) => string, where: string): void {
    const errors = disallowedEvents(events, source.allow, source.name, fieldOf);
    if (errors.length === 0) return;
    const first = errors[0];
    throw new Problem(403, 'Forbidden', `${where || 'Nothing was accepted: '}${first.field}: ${first.message}.`, { errors });
  }

  async publish(events: InboundEvent[], source: Source, correlationId: string): Promise<string[]> {
    return this.send(this.toOutgoing(events, correlationId), source);
  }

  /** The Kafka messages of accepted events, and their ids for the answer. */
  toOutgoing(events: InboundEvent[], correlationId: string): Outgoing {
    return {
      messages: events.map((event) => eventMessage(event, correlationId)),
      ids: events.map((event) => event.id),
    };
  }

  /** Resolves with the ids once Kafka acknowledged every message; a 503 problem if it cannot. */
  async send(outgoing: Outgoing, source: Source): Promise<string[]> {
    try {
      await this.publisher.publish([{ topic: this.topics.events, messages: outgoing.messages }]);
    } catch (error) {
      if (error instanceof KafkaUnavailableError) {
        throw new Problem(503, 'Service Unavailable', 'Kafka is unavailable, so nothing was accepted; retry later.', { headers: { 'Retry-After': RETRY_AFTER_SECONDS } });
      }
      throw error;
    }
    this.accepted.inc({ source: source.name }, outgoing.ids.length);
    return outgoing.ids;
  }
}
