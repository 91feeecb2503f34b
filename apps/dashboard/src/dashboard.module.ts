import { type DynamicModule, Module } from '@nestjs/common';
import type { DashboardConfig } from '@forewarn/config';
import { DatabaseModule } from '@forewarn/database';
import { MessagingModule } from '@forewarn/messaging';
import { ServiceKitModule } from '@forewarn/service-kit';
import { AccountsModule } from './accounts/accounts.module';
import { AdminModule } from './admin/admin.module';
import { AlertsModule } from './alerts/alerts.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { DashboardConfigModule } from './common/dashboard.config';
import { DevMailModule } from './dev-mail/dev-mail.module';
import { FeedbackModule } from './feedback/feedback.module';
import { LiveModule } from './live/live.module';
import { WeekModule } from './week/week.module';
import { MeetingsModule } from './meetings/meetings.module';
import { PreferencesModule } from './preferences/preferences.module';
import { UnmappedModule } from './unmapped/unmapped.module';
import { WebModule } from './web/web.module';

/**
 * The dashboard: web pages for reps and leads and the JSON API under /api. Reads PostgreSQL (its own
 * tables, and the read views account-health and the notifier keep for it); what people say back
 * goes to Kafka. Only imports: each feature module holds its controllers and providers.
 */
@Module({})
export class DashboardModule {
  static forRoot(config: DashboardConfig): DynamicModule {
    return {
      module: DashboardModule,
      imports: [
        ServiceKitModule.forRoot({ service: 'dashboard', logLevel: config.LOG_LEVEL, prettyLogs: config.LOG_FORMAT === 'pretty' }),
        DatabaseModule.forRoot({ url: config.DATABASE_URL, applicationName: 'forewarn-dashboard', poolSize: 8 }),
        // Acknowledgements, snoozes, preferences and resends go to the notifier as events.
        MessagingModule.forRoot({ brokers: config.KAFKA_BROKERS, clientId: 'forewarn-dashboard', topicPrefix: config.FOREWARN_TOPIC_PREFIX }),
        DashboardConfigModule.forRoot(config),
        WebModule,
        AuthModule,
        AccountsModule,
        AlertsModule,
        MeetingsModule,
        UnmappedModule,
        FeedbackModule,
        PreferencesModule,
        AuditModule,
        DevMailModule,
        LiveModule,
        WeekModule,
        AdminModule,
      ],
    };
  }
}
