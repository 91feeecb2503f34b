import { Logger } from '@nestjs/common';
import { type CustomTransportStrategy, Server } from '@nestjs/microservices';
import { KAFKA_HEADER } from '@forewarn/contracts';
import { context, type Link, ROOT_CONTEXT, type SpanContext, SpanKind, trace } from '@opentelemetry/api';
import { isTransientDatabaseError, type Metrics, spanContextOf, forewarnTracer } from '@forewarn/service-kit';
import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import type { Publisher } from './publisher';

/** One consumed Kafka message, as a handler sees it. */
export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: IHeaders;
  /** Broker timestamp (ms since epoch). */
  timestamp: number;
  /**
   * The trace the message belongs to (its W3C `traceparent` header, when valid): what handling it
   * causes (an alert, a mail) carries it on. The batch is handled in a span of its own, linked to these.
   */
  traceparent: string | null;
}

/** What a batch handler returns: the messages it could not process and why; the rest are done. */
export interface BatchOutcome {
  rejected: { message: ConsumedMessage; reason: string }[];
  /**
   * Set when the batch was not processed for a reason that is not in the messages (a dependency
   * dropped the connection, a deadlock): it is retried as it is, however often, and never split
   * into dead letters.
   */
  retryLater?: string;
}

export interface BatchServerOptions {
  kafka: Kafka;
  groupId: string;
  /** Pattern used in `@EventPattern(...)` → deployed topic name. */
  topics: Record<string, string>;
  dlqTopic: string;
  publisher: Publisher;
  /** Says whether the handler's dependencies (e.g. PostgreSQL) are up; a failure while they are down is never a poison message. */
  dependenciesHealthy: () => Promise<boolean>;
  /**
   * Failures that say nothing about the messages (a dropped connection, a deadlock): the batch is
   * retried as it is, however often, and never split into dead letters. Handlers need not catch them.
   */
  isTransient?: (error: unknown) => boolean;
  /** Attempts of one message, once they are split out, before it is dead-lettered. */
  maxAttempts?: number;
  /**
   * Partitions whose batches are handled at the same time (default 1). A handler that mostly
   * waits on PostgreSQL round trips overlaps that waiting with more than one.
   */
  partitionsConcurrently?: number;
  /** Most bytes fetched per partition at once; bounds the memory of one batch (default 1 MiB). */
  maxBytesPerPartition?: number;
  /** Most bytes one fetch holds over all of this consumer's partitions (default 10 MiB): with the above, what is in memory at once. */
  maxBytes?: number;
  /** Where the consumer's lag, batches and dead letters are counted (`/metrics`). */
  metrics?: Metrics;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A NestJS transport that consumes Kafka in batches per partition (`@nestjs/microservices`'
 * own Kafka server only has `eachMessage`, nest issue 9455). `@EventPattern('events.v1')`
 * handlers receive `ConsumedMessage[]` and return a `BatchOutcome`.
 *
 * Offsets are committed only after the handler resolved, so a crash re-delivers, and handlers
 * are idempotent. A failing batch is retried with backoff while dependencies are down (nothing
 * is lost during an outage); with dependencies up, it is split and a message that keeps failing
 * goes to the dead-letter topic with the reason in its headers, and the partition moves on.
 */
export class KafkaBatchServer extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger(KafkaBatchServer.name);
  private consumer: Consumer | null = null;
  private running = false;
  private readonly measure;
  /** Messages sent to the dead-letter topic, so they are not also counted as processed. */
  private readonly deadLettered = new WeakSet<ConsumedMessage>();

  constructor(private readonly options: BatchServerOptions) {
    super();
    const metrics = options.metrics;
    this.measure = metrics && {
      lag: metrics.settableGauge('forewarn_consumer_lag', 'Messages of a partition this consumer group has not processed yet, as of its last batch', ['group', 'topic', 'partition']),
      batchSize: metrics.histogram('forewarn_consumer_batch_messages', 'Messages per batch handed to a handler', ['topic'], [1, 10, 50, 100, 250, 500, 1000, 2500, 5000]),
      batchSeconds: metrics.histogram('forewarn_consumer_batch_seconds', 'Time from a batch\'s arrival to its commit, retries included', ['topic'], [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 10, 30, 120]),
      messages: metrics.counter('forewarn_consumer_messages_total', 'Messages consumed, by topic, event type (ce_type header) and outcome (processed, dead_lettered)', ['topic', 'type', 'outcome']),
      deadLetters: metrics.counter('forewarn_dead_letters_total', 'Messages published to the dead-letter topic, by the topic they came from', ['topic']),
    };
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const { kafka, groupId, topics } = this.options;
      this.consumer = kafka.consumer({
        // After a kill -9 the group hands the dead member's partitions on when its session expires
        // or the rebalance gives up waiting for it (kafkajs' defaults: 30 s and 60 s). A batch
        // heartbeats as it finishes and while it retries, and one takes well under 15 s.
        groupId, allowAutoTopicCreation: false, sessionTimeout: 15000, heartbeatInterval: 3000,
        rebalanceTimeout: 30000,
        maxBytesPerPartition: this.options.maxBytesPerPartition ?? 1024 * 1024,
        maxBytes: this.options.maxBytes ?? 10 * 1024 * 1024,
      });
      this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
        this.logger.error({ msg: 'consumer crashed', error: payload.error?.message, restart: payload.restart });
      });
      // Partitions may have moved to another instance: forget their lag, or this one would report its last value forever.
      this.consumer.on(this.consumer.events.GROUP_JOIN, () => this.measure?.lag.reset());
      await this.consumer.connect();
      await this.consumer.subscribe({ topics: Object.values(topics), fromBeginning: true });
      this.running = true;
      await this.consumer.run({ autoCommit: true, eachBatchAutoResolve: false, partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 1, eachBatch: (payload) => this.onBatch(payload) });
      callback();
    } catch (error) {
      callback(error);
    }
  }

  private patternFor(topic: string): string | undefined {
    return Object.entries(this.options.topics).find(([, name]) => name === topic)?.[0];
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    const pattern = this.patternFor(batch.topic);
    const handler = pattern ? this.getHandlerByPattern(pattern) : null;
    if (!handler) {
      this.logger.error({ msg: 'no handler for topic', topic: batch.topic });
      return;
    }
    // Each message's trace context is read once: for the handler, and for the batch span's links.
    const messages: ConsumedMessage[] = [];
    const senders: SpanContext[] = [];
    for (const m of batch.messages) {
      const traceparent = headerText(m.headers?.[KAFKA_HEADER.traceparent]) ?? null;
      const sender = spanContextOf(traceparent);
      if (sender) senders.push(sender);
      messages.push(toConsumed(batch.topic, batch.partition, m, sender ? traceparent : null));
    }
    const isTransient = this.options.isTransient ?? isTransientDatabaseError;
    const invoke = async (list: ConsumedMessage[]): Promise<BatchOutcome> => {
      try {
        return (await lastValueFrom(this.transformToObservable(await handler(list)))) as BatchOutcome;
      } catch (error) {
        if (isTransient(error)) return { rejected: [], retryLater: (error as Error).message };
        throw error;
      }
    };

    const stopTimer = this.measure?.batchSeconds.startTimer({ topic: batch.topic });
    const span = this.batchSpan(batch.topic, batch.partition, messages.length, senders);
    try {
      const done = await context.with(trace.setSpan(ROOT_CONTEXT, span), () => this.processWithRetry(messages, invoke, heartbeat, () => isRunning() && !isStale()));
      if (!done) return; // shutting down or rebalanced: the uncommitted rest is redelivered
    } finally {
      span.end();
    }
    resolveOffset(batch.lastOffset());
    await commitOffsetsIfNecessary();
    await heartbeat();
    if (this.measure) {
      stopTimer?.();
      this.measure.batchSize.observe({ topic: batch.topic }, messages.length);
      this.measure.lag.set({ group: this.options.groupId, topic: batch.topic, partition: String(batch.partition) }, Math.max(0, Number(batch.highWatermark) - Number(batch.lastOffset()) - 1));
      this.countProcessed(messages);
    }
  }

  /**
   * A batch is handled in a trace of its own (a batch has many causes), linked to the span that
   * sent each of its messages, once per span.
   */
  private batchSpan(topic: string, partition: number, size: number, senders: SpanContext[]) {
    const links: Link[] = [];
    const linked = new Set<string>();
    for (const sender of senders) {
      if (linked.has(sender.spanId)) continue;
      linked.add(sender.spanId);
      links.push({ context: sender });
    }
    return forewarnTracer().startSpan(`process ${topic}`, {
      kind: SpanKind.CONSUMER,
      root: true,
      links,
      attributes: {
        'messaging.system': 'kafka', 'messaging.operation.type': 'process', 'messaging.destination.name': topic,
        'messaging.destination.partition.id': String(partition), 'messaging.consumer.group.name': this.options.groupId, 'messaging.batch.message_count': size,
      },
    });
  }

  /** Counts a handled batch's messages by event type; dead letters were counted as they went. */
  private countProcessed(messages: ConsumedMessage[]): void {
    const byType = new Map<string, number>();
    for (const message of messages) {
      if (this.deadLettered.has(message)) continue;
      const type = String(message.headers.ce_type ?? 'none');
      byType.set(type, (byType.get(type) ?? 0) + 1);
    }
    for (const [type, count] of byType) this.measure?.messages.inc({ topic: messages[0].topic, type, outcome: 'processed' }, count);
  }

  /** Returns false when consumption stopped before the batch was fully handled. */
  private async processWithRetry(
    messages: ConsumedMessage[],
    invoke: (list: ConsumedMessage[]) => Promise<BatchOutcome>,
    heartbeat: () => Promise<void>,
    stillOwned: () => boolean,
  ): Promise<boolean> {
    const maxAttempts = this.options.maxAttempts ?? 3;
    let failures = 0;
    let postponed = 0;
    while (stillOwned()) {
      try {
        const outcome = await invoke(messages);
        if (outcome.retryLater !== undefined) {
          postponed += 1;
          this.logger.warn({ msg: 'batch postponed, will retry', reason: outcome.retryLater, postponed, size: messages.length });
          await heartbeat().catch(() => undefined);
          await sleep(Math.min(10000, 100 * 2 ** Math.min(postponed, 7)));
          continue;
        }
        await this.deadLetter(outcome.rejected);
        return true;
      } catch (error) {
        failures += 1;
        const healthy = await this.options.dependenciesHealthy().catch(() => false);
        this.logger.warn({ msg: 'batch failed, will retry', error: (error as Error).message, failures, dependenciesHealthy: healthy, size: messages.length });
        if (healthy && failures >= maxAttempts) {
          return messages.length > 1 ? this.oneByOne(messages, invoke, heartbeat, stillOwned) : this.deadLetterAfterFailure(messages[0], error);
        }
        await heartbeat().catch(() => undefined);
        await sleep(Math.min(10000, 250 * 2 ** Math.min(failures, 6)));
      }
    }
    return false;
  }

  private async oneByOne(
    messages: ConsumedMessage[],
    invoke: (list: ConsumedMessage[]) => Promise<BatchOutcome>,
    heartbeat: () => Promise<void>,
    stillOwned: () => boolean,
  ): Promise<boolean> {
    for (const message of messages) {
      if (!(await this.processWithRetry([message], invoke, heartbeat, stillOwned))) return false;
    }
    return true;
  }

  private async deadLetterAfterFailure(message: ConsumedMessage, error: unknown): Promise<boolean> {
    await this.deadLetter([{ message, reason: `processing failed repeatedly: ${(error as Error).message}` }]);
    return true;
  }

  private async deadLetter(rejected: BatchOutcome['rejected']): Promise<void> {
    if (rejected.length === 0) return;
    for (const { message } of rejected) {
      this.deadLettered.add(message);
      this.measure?.deadLetters.inc({ topic: message.topic });
      this.measure?.messages.inc({ topic: message.topic, type: String(message.headers.ce_type ?? 'none'), outcome: 'dead_lettered' });
    }
    for (const { message, reason } of rejected) {
      this.logger.warn({ msg: 'dead-lettering message', topic: message.topic, partition: message.partition, offset: message.offset, reason });
    }
    await this.options.publisher.publish([
      {
        topic: this.options.dlqTopic,
        messages: rejected.map(({ message, reason }) => ({
          key: message.key ?? '',
          value: message.value ?? Buffer.alloc(0),
          headers: {
            ...message.headers,
            [KAFKA_HEADER.dlqReason]: reason.slice(0, 2000),
            [KAFKA_HEADER.dlqTopic]: message.topic,
            [KAFKA_HEADER.dlqPartition]: String(message.partition),
            [KAFKA_HEADER.dlqOffset]: message.offset,
            [KAFKA_HEADER.dlqConsumer]: this.options.groupId,
          },
        })),
      },
    ]);
  }

  get isRunning(): boolean {
    return this.running;
  }

  async close(): Promise<void> {
    this.running = false;
    await this.consumer?.disconnect();
    this.consumer = null;
  }

  on(): never {
    throw new Error('KafkaBatchServer does not emit events');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }
}

function toConsumed(topic: string, partition: number, m: KafkaMessage, traceparent: string | null): ConsumedMessage {
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key ? m.key.toString('utf8') : null,
    value: m.value,
    headers: m.headers ?? {},
    timestamp: Number(m.timestamp),
    traceparent,
  };
}

/** A header's value as text (the first, if repeated). */
function headerText(value: IHeaders[string]): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first?.toString();
}

/** Parses a message value as JSON; `null` when it is not JSON (a poison message). */
export function parseJson(message: ConsumedMessage): unknown | null {
  if (!message.value) return null;
  try {
    return JSON.parse(message.value.toString('utf8'));
  } catch {
    return null;
  }
}
