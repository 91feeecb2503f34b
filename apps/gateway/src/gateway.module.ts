import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { GatewayConfig } from '@forewarn/config';
import { DatabaseModule } from '@forewarn/database';
import { MessagingModule } from '@forewarn/messaging';
import { ProblemFilter, ServiceKitModule } from '@forewarn/service-kit';
import { CalendarPoller } from './calendar/calendar-poller';
import { CALENDAR_CONFIG, calendarSettings } from './calendar/calendar.config';
import { DocsController } from './docs/docs.controller';
import { EventsController } from './events/events.controller';
import { GATEWAY_CONFIG } from './gateway.config';
import { IngestService } from './events/ingest.service';
import { SourceAuth } from './events/source-auth';
import { ClientRateLimiter } from './limits/client-rate-limiter';
import { RateLimiter } from './limits/rate-limiter';
import { WebhooksController } from './webhooks/webhooks.controller';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ServiceKitModule.forRoot({ service: 'gateway', logLevel: config.LOG_LEVEL, prettyLogs: config.LOG_FORMAT === 'pretty' }),
        DatabaseModule.forRoot({ url: config.DATABASE_URL, applicationName: 'forewarn-gateway', poolSize: 5 }),
        MessagingModule.forRoot({ brokers: config.KAFKA_BROKERS, clientId: 'forewarn-gateway', topicPrefix: config.FOREWARN_TOPIC_PREFIX }),
      ],
      controllers: [EventsController, WebhooksController, DocsController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: CALENDAR_CONFIG, useValue: calendarSettings(config) },
        { provide: APP_FILTER, useClass: ProblemFilter },
        SourceAuth,
        IngestService,
        RateLimiter,
        ClientRateLimiter,
        CalendarPoller,
      ],
    };
  }
}
