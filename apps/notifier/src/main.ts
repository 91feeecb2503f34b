import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfigOrExit, notifierEnvSchema } from '@forewarn/config';
import { TOPIC } from '@forewarn/contracts';
import { KAFKA, KafkaBatchServer, Publisher, TOPICS } from '@forewarn/messaging';
import { serve } from '@forewarn/service-kit';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { NotifierModule } from './notifier.module';

async function main(): Promise<void> {
  const config = loadConfigOrExit('notifier', notifierEnvSchema);
  const app = await NestFactory.create(NotifierModule.forRoot(config), { bufferLogs: true });
  const topics = app.get(TOPICS);
  const db = app.get(DataSource);
  app.connectMicroservice({
    strategy: new KafkaBatchServer({
      kafka: app.get<Kafka>(KAFKA),
      groupId: `${config.FOREWARN_TOPIC_PREFIX}notifier`,
      topics: { [TOPIC.alerts]: topics.alerts },
      dlqTopic: topics.dlq,
      publisher: app.get(Publisher),
      dependenciesHealthy: async () => (await db.query('SELECT 1'), true),
    }),
  });
  // HTTP first: /healthz answers while the consumer waits to join its group (up to a session timeout after a crash).
  await serve(app, config.NOTIFIER_PORT, 'notifier');
  await app.startAllMicroservices();
}

void main();
