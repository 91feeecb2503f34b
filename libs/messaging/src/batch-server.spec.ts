import { Logger } from '@nestjs/common';
import { KAFKA_HEADER } from '@forewarn/contracts';
import type { ConsumerConfig, EachBatchPayload, Kafka, TopicMessages } from 'kafkajs';
import { type BatchOutcome, type ConsumedMessage, KafkaBatchServer } from './batch-server';
import type { Publisher } from './publisher';
import { Metrics, recordSpans, stopTelemetry } from '@forewarn/service-kit';
import { trace } from '@opentelemetry/api';

/**
 * The batch transport's retry, split and dead-letter logic, driven through a test double of the
 * kafkajs consumer (the `eachBatch` it is given) and a publisher that records dead letters.
 */
const TOPIC = 'test.events.v1';
const DLQ = 'test.dlq.v1';

/** A dropped PostgreSQL connection, as the driver reports it. */
const connectionLost = () => Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });

type Handler = (messages: ConsumedMessage[]) => Promise<BatchOutcome>;

/** The transport over a fake Kafka: returns what kafkajs would call for each batch, and the dead letters it published. */
async function transport(handler: Handler, options: { healthy?: () => boolean; metrics?: Metrics; maxBytes?: number; maxBytesPerPartition?: number } = {}) {
  let eachBatch!: (payload: EachBatchPayload) => Promise<void>;
  const consumerConfigs: ConsumerConfig[] = [];
  const consumer = {
    events: { CRASH: 'consumer.crash', GROUP_JOIN: 'consumer.group_join' },
    on: () => undefined,
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async (config: { eachBatch: typeof eachBatch }) => void (eachBatch = config.eachBatch),
    disconnect: async () => undefined,
  };
  const deadLetters: TopicMessages[] = [];
  const publisher = { publish: async (batches: TopicMessages[]) => void deadLetters.push(...batches) } as unknown as Publisher;
  const server = new KafkaBatchServer({
    kafka: { consumer: (config: ConsumerConfig) => (consumerConfigs.push(config), consumer) } as unknown as Kafka,
    groupId: 'test.account-health',
    topics: { 'events.v1': TOPIC },
    dlqTopic: DLQ,
    publisher,
    dependenciesHealthy: async () => options.healthy?.() ?? true,
    metrics: options.metrics,
    maxBytes: options.maxBytes,
    maxBytesPerPartition: options.maxBytesPerPartition,
  });
  server.addHandler('events.v1', (messages: ConsumedMessage[]) => handler(messages), true);
  await new Promise<void>((resolve, reject) => void server.listen((error) => (error ? reject(error) : resolve())));
  return { eachBatch: (payload: EachBatchPayload) => eachBatch(payload), deadLetters, consumerConfigs };
}

/** A batch of one partition as kafkajs hands it over, and what the transport did with its offsets. */
function batchOf(offsets: number[], owner: { running?: () => boolean; stale?: () => boolean } = {}, traceparentOf: (offset: number) => string | null = () => null) {
  const done = { resolved: [] as string[], commits: 0 };
  const messages = offsets.map((offset) => ({
    offset: String(offset), key: Buffer.from('acme'), value: Buffer.from(`event ${offset}`), timestamp: '1764000000000', attributes: 0,
    headers: { [KAFKA_HEADER.correlationId]: Buffer.from('corr-1'), ...(traceparentOf(offset) ? { [KAFKA_HEADER.traceparent]: Buffer.from(traceparentOf(offset)!) } : {}) },
  }));
  const payload = {
    batch: { topic: TOPIC, partition: 2, messages, highWatermark: String(offsets[offsets.length - 1] + 11), lastOffset: () => String(offsets[offsets.length - 1]) },
    resolveOffset: (offset: string) => void done.resolved.push(offset),
    commitOffsetsIfNecessary: async () => void (done.commits += 1),
    heartbeat: async () => undefined,
    isRunning: owner.running ?? (() => true),
    isStale: owner.stale ?? (() => false),
  } as unknown as EachBatchPayload;
  return { payload, done };
}

/** Runs a batch to its end, the transport's back-off pauses included (on fake timers). */
async function handle(eachBatch: (payload: EachBatchPayload) => Promise<void>, payload: EachBatchPayload): Promise<void> {
  const handled = eachBatch(payload);
  await jest.runAllTimersAsync();
  await handled;
}

const offsetsOf = (messages: ConsumedMessage[]) => messages.map((m) => Number(m.offset));

describe('the batch transport', () => {
  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('fetches at most the bytes it is given, per fetch and per partition: what it holds at once is bounded', async () => {
    const bounded = await transport(async () => ({ rejected: [] }), { maxBytes: 2 * 1024 * 1024, maxBytesPerPartition: 512 * 1024 });
    expect(bounded.consumerConfigs).toEqual([expect.objectContaining({ maxBytes: 2 * 1024 * 1024, maxBytesPerPartition: 512 * 1024 })]);
    const defaults = await transport(async () => ({ rejected: [] }));
    expect(defaults.consumerConfigs).toEqual([expect.objectContaining({ maxBytes: 10 * 1024 * 1024, maxBytesPerPartition: 1024 * 1024 })]);
  });

  it('hands a batch to its handler as consumed messages and commits its last offset', async () => {
    const seen: ConsumedMessage[][] = [];
    const { eachBatch, deadLetters } = await transport(async (messages) => (seen.push(messages), { rejected: [] }));
    const { payload, done } = batchOf([5, 6, 7]);
    await handle(eachBatch, payload);
    expect(seen).toHaveLength(1);
    expect(seen[0][0]).toEqual({ topic: TOPIC, partition: 2, offset: '5', key: 'acme', value: Buffer.from('event 5'), headers: { [KAFKA_HEADER.correlationId]: Buffer.from('corr-1') }, timestamp: 1764000000000, traceparent: null });
    expect(done).toEqual({ resolved: ['7'], commits: 1 });
    expect(deadLetters).toEqual([]);
  });

  it('dead-letters the messages the handler rejects, with the reason and where they came from, and moves on', async () => {
    const { eachBatch, deadLetters } = await transport(async (messages) => ({ rejected: [{ message: messages[1], reason: 'value is not JSON' }] }));
    const { payload, done } = batchOf([5, 6, 7]);
    await handle(eachBatch, payload);
    expect(deadLetters).toEqual([{
      topic: DLQ,
      messages: [{
        key: 'acme',
        value: Buffer.from('event 6'),
        headers: {
          [KAFKA_HEADER.correlationId]: Buffer.from('corr-1'),
          [KAFKA_HEADER.dlqReason]: 'value is not JSON',
          [KAFKA_HEADER.dlqTopic]: TOPIC,
          [KAFKA_HEADER.dlqPartition]: '2',
          [KAFKA_HEADER.dlqOffset]: '6',
          [KAFKA_HEADER.dlqConsumer]: 'test.account-health',
        },
      }],
    }]);
    expect(done).toEqual({ resolved: ['7'], commits: 1 });
  });

  it('retries a batch as it is, however often, while its failures say nothing about the messages', async () => {
    const calls: number[][] = [];
    const { eachBatch, deadLetters } = await transport(async (messages) => {
      calls.push(offsetsOf(messages));
      if (calls.length <= 5) throw connectionLost();
      if (calls.length <= 7) return { rejected: [], retryLater: 'the notifier is busy' };
      return { rejected: [] };
    });
    const { payload, done } = batchOf([5, 6, 7]);
    await handle(eachBatch, payload);
    expect(calls).toEqual(Array(8).fill([5, 6, 7]));
    expect(deadLetters).toEqual([]);
    expect(done).toEqual({ resolved: ['7'], commits: 1 });
  });

  it('splits a batch that keeps failing while its dependencies are up, and dead-letters only the message at fault', async () => {
    const calls: number[][] = [];
    const { eachBatch, deadLetters } = await transport(async (messages) => {
      calls.push(offsetsOf(messages));
      if (offsetsOf(messages).includes(6)) throw new Error('cannot fold this case');
      return { rejected: [] };
    });
    const { payload, done } = batchOf([5, 6, 7]);
    await handle(eachBatch, payload);
    expect(calls).toEqual([[5, 6, 7], [5, 6, 7], [5, 6, 7], [5], [6], [6], [6], [7]]);
    expect(deadLetters.flatMap((d) => d.messages.map((m) => [d.topic, m.headers?.[KAFKA_HEADER.dlqOffset], m.headers?.[KAFKA_HEADER.dlqReason]]))).toEqual([
      [DLQ, '6', 'processing failed repeatedly: cannot fold this case'],
    ]);
    expect(done).toEqual({ resolved: ['7'], commits: 1 });
  });

  it('never takes a failure for a poison message while its dependencies are down: it waits, and leaves the batch uncommitted when it stops', async () => {
    let calls = 0;
    const { eachBatch, deadLetters } = await transport(async () => {
      calls += 1;
      throw new Error('cannot reach the database');
    }, { healthy: () => false });
    const { payload, done } = batchOf([5, 6, 7], { running: () => calls < 10 });
    await handle(eachBatch, payload);
    expect(calls).toBe(10);
    expect(deadLetters).toEqual([]);
    expect(done).toEqual({ resolved: [], commits: 0 });
  });

  it('leaves a batch to the next owner of its partition after a rebalance', async () => {
    let calls = 0;
    const { eachBatch, deadLetters } = await transport(async () => {
      calls += 1;
      throw new Error('cannot fold this case');
    });
    const { payload, done } = batchOf([5, 6, 7], { stale: () => calls >= 2 });
    await handle(eachBatch, payload);
    expect(calls).toBe(2);
    expect(deadLetters).toEqual([]);
    expect(done).toEqual({ resolved: [], commits: 0 });
  });

  it('counts what an operator watches: the lag after each batch, batch sizes and times, messages by outcome, dead letters', async () => {
    const metrics = new Metrics();
    const { eachBatch } = await transport(async (messages) => ({ rejected: messages.filter((m) => m.offset === '8').map((message) => ({ message, reason: 'not JSON' })) }), { metrics });
    await handle(eachBatch, batchOf([7, 8, 9]).payload);
    const text = await metrics.registry.metrics();
    expect(text).toContain('forewarn_consumer_lag{group="test.account-health",topic="test.events.v1",partition="2"} 10');
    expect(text).toContain('forewarn_consumer_batch_messages_count{topic="test.events.v1"} 1');
    expect(text).toContain('forewarn_consumer_batch_seconds_count{topic="test.events.v1"} 1');
    expect(text).toContain('forewarn_consumer_messages_total{topic="test.events.v1",type="none",outcome="processed"} 2');
    expect(text).toContain('forewarn_consumer_messages_total{topic="test.events.v1",type="none",outcome="dead_lettered"} 1');
    expect(text).toContain('forewarn_dead_letters_total{topic="test.events.v1"} 1');
  });

  describe('tracing', () => {
    const traceA = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const traceB = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    let spans: ReturnType<typeof recordSpans>;
    beforeEach(() => (spans = recordSpans('account-health')));
    afterEach(() => stopTelemetry());

    it('gives the handler each message’s trace, and handles the batch in a span of its own linked once to each of them', async () => {
      let activeTrace: string | undefined;
      let seen: (string | null)[] = [];
      const { eachBatch } = await transport(async (messages) => {
        activeTrace = trace.getActiveSpan()?.spanContext().traceId;
        seen = messages.map((m) => m.traceparent);
        return { rejected: [] };
      });
      const traceparents: Record<number, string> = { 5: traceA, 6: traceA, 7: traceB, 8: 'not-a-traceparent' };
      await handle(eachBatch, batchOf([5, 6, 7, 8, 9], {}, (offset) => traceparents[offset] ?? null).payload);

      expect(seen).toEqual([traceA, traceA, traceB, null, null]);
      const [batch] = spans.finished();
      expect(batch.name).toBe(`process ${TOPIC}`);
      expect(batch.parentSpanContext).toBeUndefined();
      expect(batch.links.map((link) => link.context.traceId)).toEqual(['0af7651916cd43dd8448eb211c80319c', '4bf92f3577b34da6a3ce929d0e0e4736']);
      expect(batch.attributes).toMatchObject({ 'messaging.batch.message_count': 5, 'messaging.consumer.group.name': 'test.account-health' });
      expect(activeTrace).toBe(batch.spanContext().traceId);
    });
  });
});
