import { type DynamicModule, Global, Inject, Injectable, Module, type OnApplicationShutdown, type OnModuleInit, type Provider } from '@nestjs/common';
import { TOPIC, type TopicName, topicsFor, type Topics } from '@forewarn/contracts';
import { Metrics, Readiness } from '@forewarn/service-kit';
import type { Kafka } from 'kafkajs';
import { KafkaBatchServer } from './batch-server';
import { createKafka } from './kafka-client';
import { Publisher } from './publisher';
import { kafkaReachable } from './topics-admin';

export const KAFKA = Symbol('KAFKA');
export const TOPICS = Symbol('TOPICS');

@Injectable()
class MessagingLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(KAFKA) private readonly kafka: Kafka, private readonly publisher: Publisher, private readonly readiness: Readiness) {}

  onModuleInit(): void {
    this.readiness.register('kafka', () => kafkaReachable(this.kafka));
    // Connect eagerly but do not block start-up: a broker that is down now may be up later.
    this.publisher.connect().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.disconnect().catch(() => undefined);
  }
}

export interface MessagingOptions {
  brokers: string[];
  clientId: string;
  topicPrefix: string;
  /**
   * The process consumes in batches: its consumer group (`<prefix><group>`) and the topics its
   * `@EventPattern(TOPIC.x)` handlers take. Provides the `KafkaBatchServer` for `connectMicroservice`.
   */
  consumer?: { group: string; topics: TopicName[]; partitionsConcurrently?: number; fetchMaxBytes?: number };
}

/** Kafka client, the idempotent publisher, the deployed topic names and, for consumers, the batch transport. */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    const kafka = createKafka({ brokers: options.brokers, clientId: options.clientId });
    const topics = topicsFor(options.topicPrefix) satisfies Topics;
    const consumer = options.consumer;
    const transport: Provider[] = consumer
      ? [{
          provide: KafkaBatchServer,
          inject: [Publisher, Readiness, Metrics],
          useFactory: (publisher: Publisher, readiness: Readiness, metrics: Metrics) => new KafkaBatchServer({
            kafka,
            groupId: `${options.topicPrefix}${consumer.group}`,
            topics: Object.fromEntries(consumer.topics.map((name) => [TOPIC[name], topics[name]])),
            dlqTopic: topics.dlq,
            publisher,
            // While PostgreSQL is down a failing batch waits; it is never taken for a poison message.
            dependenciesHealthy: () => readiness.isUp('postgres'),
            partitionsConcurrently: consumer.partitionsConcurrently,
            ...(consumer.fetchMaxBytes ? { maxBytes: consumer.fetchMaxBytes, maxBytesPerPartition: Math.min(consumer.fetchMaxBytes, 1024 * 1024) } : {}),
            metrics,
          }),
        }]
      : [];
    return {
      module: MessagingModule,
      providers: [
        { provide: KAFKA, useValue: kafka },
        { provide: TOPICS, useValue: topics },
        { provide: Publisher, useFactory: () => new Publisher(kafka) },
        MessagingLifecycle,
        ...transport,
      ],
      exports: [KAFKA, TOPICS, Publisher, ...(consumer ? [KafkaBatchServer] : [])],
    };
  }
}
