import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { accountHealthEnvSchema, loadConfigOrExit } from '@forewarn/config';
import { TOPIC } from '@forewarn/contracts';
import { KAFKA, KafkaBatchServer, Publisher, TOPICS } from '@forewarn/messaging';
import { serve } from '@forewarn/service-kit';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { AccountHealthModule } from './account-health.module';

async function main(): Promise<void> {
  const config = loadConfigOrExit('account-health', accountHealthEnvSchema);
  const app = await NestFactory.create(AccountHealthModule.forRoot(config), { bufferLogs: true });
  const topics = app.get(TOPICS);
  const db = app.get(DataSource);
  app.connectMicroservice({
    strategy: new KafkaBatchServer({
      kafka: app.get<Kafka>(KAFKA),
      groupId: `${config.FOREWARN_TOPIC_PREFIX}account-health`,
      topics: { [TOPIC.events]: topics.events },
      dlqTopic: topics.dlq,
      publisher: app.get(Publisher),
      dependenciesHealthy: async () => (await db.query('SELECT 1'), true),
    }),
  });
  await app.startAllMicroservices();
  await serve(app, config.ACCOUNT_HEALTH_PORT, 'account-health');
}

void main();
