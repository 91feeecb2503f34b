import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { dashboardEnvSchema, loadConfigOrExit } from '@forewarn/config';
import { serve } from '@forewarn/service-kit';
import cookieParser from 'cookie-parser';
import { DashboardModule } from './dashboard.module';
import { securityHeaders } from './web/security-headers';

async function main(): Promise<void> {
  const config = loadConfigOrExit('dashboard', dashboardEnvSchema);
  const app = await NestFactory.create<NestExpressApplication>(DashboardModule.forRoot(config), { bufferLogs: true });
  app.disable('x-powered-by');
  app.use(cookieParser());
  app.use(securityHeaders(config.PUBLIC_URL));
  await serve(app, config.DASHBOARD_PORT, 'dashboard');
}

void main();
