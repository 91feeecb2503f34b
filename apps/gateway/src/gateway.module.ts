import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { GatewayConfig } from '@forewarn/config';
import { DatabaseModule } from '@forewarn/database';
import { MessagingModule } from '@forewarn/messaging';
import { ProblemFilter, ServiceKitModule } from '@forewarn/service-kit';
import { CalendarModule } from './calendar/calendar.module';
import { DocsModule } from './docs/docs.module';
import { EventsModule } from './events/events.module';
import { GatewayConfigModule } from './gateway.config';
import { WebhooksModule } from './webhooks/webhooks.module';

/** The gateway: the infrastructure it runs on, and its features. */
@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ServiceKitModule.forRoot({ service: 'gateway', logLevel: config.LOG_LEVEL, prettyLogs: config.LOG_FORMAT === 'pretty' }),
        DatabaseModule.forRoot({ url: config.DATABASE_URL, applicationName: 'forewarn-gateway', poolSize: 5 }),
        MessagingModule.forRoot({ brokers: config.KAFKA_BROKERS, clientId: 'forewarn-gateway', topicPrefix: config.FOREWARN_TOPIC_PREFIX }),
        GatewayConfigModule.forRoot(config),
        EventsModule,
        WebhooksModule,
        CalendarModule,
        DocsModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemFilter }],
    };
  }
}
