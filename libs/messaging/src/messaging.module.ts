import { type DynamicModule, Global, Inject, Injectable, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { topicsFor, type Topics } from '@forewarn/contracts';
import { Readiness } from '@forewarn/service-kit';
import type { Kafka } from 'kafkajs';
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

/** Kafka client, the idempotent publisher and the deployed topic names. */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: { brokers: string[]; clientId: string; topicPrefix: string }): DynamicModule {
    const kafka = createKafka({ brokers: options.brokers, clientId: options.clientId });
    return {
      module: MessagingModule,
      providers: [
        { provide: KAFKA, useValue: kafka },
        { provide: TOPICS, useValue: topicsFor(options.topicPrefix) satisfies Topics },
        { provide: Publisher, useFactory: () => new Publisher(kafka) },
        MessagingLifecycle,
      ],
      exports: [KAFKA, TOPICS, Publisher],
    };
  }
}
