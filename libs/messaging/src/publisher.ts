import { Logger } from '@nestjs/common';
import { CompressionTypes, type IHeaders, type Kafka, type Producer } from 'kafkajs';
import { RememberingPartitioner } from './partitioner';

export interface OutgoingMessage {
  key: string;
  value: string | Buffer;
  headers?: IHeaders;
}

export class KafkaUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`Kafka unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'KafkaUnavailableError';
  }
}

type TopicMessages = { topic: string; messages: OutgoingMessage[] };

interface Pending {
  batches: TopicMessages[];
  size: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * A flush takes waiting publishes up to about this much payload (one request over it goes alone).
 * Not more: kafkajs groups a send's messages per partition by copying arrays (quadratic in the
 * messages of a send) and grows its encoders by doubling, so big sends cost more CPU and memory
 * per message; at a few ms per acknowledged send, 256 KiB still carries well over 50,000 events/s.
 */
const MAX_FLUSH_BYTES = 256 * 1024;

const sizeOf = (batches: TopicMessages[]): number =>
  batches.reduce((sum, b) => sum + b.messages.reduce((n, m) => n + m.value.length + m.key.length + 64, 0), 0);

/**
 * An idempotent producer (acks from all in-sync replicas). Sends are serialised, because
 * concurrent sends on an idempotent kafkajs producer can fail with OUT_OF_ORDER_SEQUENCE_NUMBER
 * (KAFKA.md). Publishes that arrive while a send is in flight are grouped into the next send
 * (group commit), so concurrent callers share round trips instead of queueing behind each other;
 * each caller still resolves only once Kafka acknowledged its own messages.
 */
export class Publisher {
  private readonly logger = new Logger(Publisher.name);
  private producer: Producer;
  private pending: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private connected = false;

  constructor(private readonly kafka: Kafka) {
    this.producer = this.newProducer();
  }

  /**
   * Retries are limited so that a send fails within seconds while Kafka is down (the gateway then
   * answers 503). kafkajs warns that this "may invalidate EoS guarantees": after a failed send it
   * reuses the sequence numbers of messages the broker may have written after all, and the broker
   * would then take the next, different messages for duplicates. So a failed send retires its
   * producer (see `send`); the next send gets a new producer id, and its sequence numbers are new.
   */
  private newProducer(): Producer {
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: RememberingPartitioner,
      retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
    });
    producer.on('producer.disconnect', () => {
      if (producer === this.producer) this.connected = false;
    });
    return producer;
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Resolves once every message is acknowledged by Kafka; throws KafkaUnavailableError otherwise. */
  publish(batches: TopicMessages[]): Promise<void> {
    const nonEmpty = batches.filter((b) => b.messages.length > 0);
    if (nonEmpty.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ batches: nonEmpty, size: sizeOf(nonEmpty), resolve, reject });
      if (!this.flushing) this.flushing = this.flush().finally(() => (this.flushing = null));
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const group: Pending[] = [];
      let bytes = 0;
      while (this.pending.length > 0 && (group.length === 0 || bytes + this.pending[0].size <= MAX_FLUSH_BYTES)) {
        const next = this.pending.shift() as Pending;
        bytes += next.size;
        group.push(next);
      }
      try {
        await this.send(group.flatMap((p) => p.batches));
        for (const p of group) p.resolve();
      } catch (error) {
        for (const p of group) p.reject(error);
      }
    }
  }

  private async send(batches: TopicMessages[]): Promise<void> {
    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const b of batches) {
      const list = byTopic.get(b.topic) ?? [];
      list.push(...b.messages);
      byTopic.set(b.topic, list);
    }
    try {
      if (!this.connected) await this.connect();
      await this.producer.sendBatch({
        acks: -1,
        compression: CompressionTypes.None,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    } catch (error) {
      this.logger.warn({ msg: 'publish failed', error: (error as Error).message });
      const failed = this.producer;
      this.producer = this.newProducer();
      this.connected = false;
      failed.disconnect().catch(() => undefined);
      throw new KafkaUnavailableError(error);
    }
  }

  async disconnect(): Promise<void> {
    await this.flushing?.catch(() => undefined);
    await this.producer.disconnect();
    this.connected = false;
  }
}
