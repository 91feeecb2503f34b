/** Logical topic names; the deployed name is `<FOREWARN_TOPIC_PREFIX><name>` (CONTRACT.md, "Topics"). */
export const TOPIC = {
  events: 'events.v1',
  health: 'health.v1',
  alerts: 'alerts.v1',
  dlq: 'dlq.v1',
} as const;

export type TopicName = keyof typeof TOPIC;
export type Topics = { readonly [K in TopicName]: string };

export function topicsFor(prefix: string): Topics {
  return {
    events: `${prefix}${TOPIC.events}`,
    health: `${prefix}${TOPIC.health}`,
    alerts: `${prefix}${TOPIC.alerts}`,
    dlq: `${prefix}${TOPIC.dlq}`,
  };
}

/** Partition counts used when Forewarn creates its topics. Events are keyed by account. */
export const TOPIC_PARTITIONS: Record<TopicName, number> = { events: 6, health: 3, alerts: 3, dlq: 1 };

/**
 * How many days Kafka keeps each topic's messages by default (null: forever), set when Forewarn
 * creates its topics. `events.v1` is the source of truth `forewarn replay` rebuilds from, so it is
 * kept; the others are deliveries whose effects live in PostgreSQL (and poison messages to look at).
 */
export const TOPIC_RETENTION_DAYS: Record<TopicName, number | null> = { events: null, health: 7, alerts: 7, dlq: 28 };

/** Kafka header names that Forewarn sets. */
export const KAFKA_HEADER = {
  correlationId: 'forewarn-correlation-id',
  /** W3C Trace Context: the trace a message belongs to (on events.v1, health.v1 and alerts.v1). */
  traceparent: 'traceparent',
  dlqReason: 'forewarn-dlq-reason',
  dlqTopic: 'forewarn-dlq-original-topic',
  dlqPartition: 'forewarn-dlq-original-partition',
  dlqOffset: 'forewarn-dlq-original-offset',
  dlqConsumer: 'forewarn-dlq-consumer',
} as const;
