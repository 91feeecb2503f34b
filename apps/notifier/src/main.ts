import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfigOrExit, notifierEnvSchema } from '@forewarn/config';
import { KafkaBatchServer } from '@forewarn/messaging';
import { serve } from '@forewarn/service-kit';
import { NotifierModule } from './notifier.module';

async function main(): Promise<void> {
  const config = loadConfigOrExit('notifier', notifierEnvSchema);
  const app = await NestFactory.create(NotifierModule.forRoot(config), { bufferLogs: true });
  app.connectMicroservice({ strategy: app.get(KafkaBatchServer) });
  // HTTP first: /healthz answers while the consumer waits to join its group (up to a session timeout after a crash).
  await serve(app, config.NOTIFIER_PORT, 'notifier');
  await app.startAllMicroservices();
}

void main();
