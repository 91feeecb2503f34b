import { Logger } from '@nestjs/common';
import { CompressionTypes, type IHeaders, type Kafka, Partitioners, type Producer } from 'kafkajs';

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

/**
 * An idempotent producer (acks from all in-sync replicas). Sends are serialised, because
 * concurrent sends on an idempotent kafkajs producer can fail with OUT_OF_ORDER_SEQUENCE_NUMBER
 * (KAFKA.md); each call still carries many messages, possibly for several topics.
 */
export class Publisher {
  private readonly logger = new Logger(Publisher.name);
  private readonly producer: Producer;
  private queue: Promise<unknown> = Promise.resolve();
  private connected = false;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
    });
    this.producer.on('producer.disconnect', () => {
      this.connected = false;
    });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Resolves once every message is acknowledged by Kafka; throws KafkaUnavailableError otherwise. */
  publish(batches: { topic: string; messages: OutgoingMessage[] }[]): Promise<void> {
    const run = async () => {
      try {
        if (!this.connected) await this.connect();
        await this.producer.sendBatch({
          acks: -1,
          compression: CompressionTypes.None,
          topicMessages: batches.filter((b) => b.messages.length > 0),
        });
      } catch (error) {
        this.logger.warn({ msg: 'publish failed', error: (error as Error).message });
        throw new KafkaUnavailableError(error);
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async disconnect(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.producer.disconnect();
    this.connected = false;
  }
}
