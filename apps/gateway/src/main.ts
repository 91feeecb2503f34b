import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { gatewayEnvSchema, loadConfigOrExit } from '@forewarn/config';
import { serve } from '@forewarn/service-kit';
import { GatewayModule } from './gateway.module';

async function main(): Promise<void> {
  const config = loadConfigOrExit('gateway', gatewayEnvSchema);
  // Our own body reading (raw bytes, size limit, signatures later), so Nest's parser is off.
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forRoot(config), { bufferLogs: true, bodyParser: false });
  // Express hashes every response body into an ETag; nobody revalidates an ingest answer (a 202 to a POST).
  app.set('etag', false);
  // The client address the per-client limit counts: the socket's peer, unless proxies are trusted explicitly.
  app.set('trust proxy', config.GATEWAY_TRUST_PROXY);
  await serve(app, config.GATEWAY_PORT, 'gateway');
}

void main();
