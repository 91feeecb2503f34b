import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { gatewayEnvSchema, loadConfigOrExit } from '@forewarn/config';
import { serve } from '@forewarn/service-kit';
import { GatewayModule } from './gateway.module';

async function main(): Promise<void> {
  const config = loadConfigOrExit('gateway', gatewayEnvSchema);
  // Our own body reading (raw bytes, size limit, signatures later), so Nest's parser is off.
  const app = await NestFactory.create(GatewayModule.forRoot(config), { bufferLogs: true, bodyParser: false });
  await serve(app, config.GATEWAY_PORT, 'gateway');
}

void main();
