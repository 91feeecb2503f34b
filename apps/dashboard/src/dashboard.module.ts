import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AudienceBook } from '@forewarn/alerting';
import type { DashboardConfig } from '@forewarn/config';
import { AudienceRepository, DatabaseModule, UsersRepository } from '@forewarn/database';
import { MessagingModule } from '@forewarn/messaging';
import { ServiceKitModule } from '@forewarn/service-kit';
import { DataSource } from 'typeorm';
import { AccountsController } from './accounts/accounts.controller';
import { AccountsQuery } from './accounts/accounts.query';
import { AccountsService } from './accounts/accounts.service';
import { SupportNotesReadModel } from './accounts/support-notes.read-model';
import { AlertsController } from './alerts/alerts.controller';
import { AlertsQuery } from './alerts/alerts.query';
import { AuditController } from './audit/audit.controller';
import { ApiAuthGuard, Authenticator, PageAuthGuard } from './auth/auth.guard';
import { AuthService } from './auth/auth.service';
import { LoginController } from './auth/login.controller';
import { MeController } from './auth/me.controller';
import { PasswordApiController, PasswordPageController } from './auth/password.controller';
import { SignInThrottle } from './auth/sign-in-throttle';
import { DashboardErrorFilter } from './common/error.filter';
import { DASHBOARD_CONFIG } from './dashboard.config';
import { DevMailClient } from './dev-mail/dev-mail.client';
import { AdminOnlyOrNotFound, DevMailAvailableGuard, DevMailController } from './dev-mail/dev-mail.controller';
import { AccountActionsController, FeedbackApiController, LinkController, PreferencesPageController } from './feedback/feedback.controller';
import { FeedbackPublisher } from './feedback/feedback.publisher';
import { FeedbackQuery } from './feedback/feedback.query';
import { OnceOnlyFeedback } from './feedback/once-only';
import { MeetingsController } from './meetings/meetings.controller';
import { MeetingsQuery } from './meetings/meetings.query';
import { UnmappedController } from './unmapped/unmapped.controller';
import { UnmappedQuery } from './unmapped/unmapped.query';
import { AssetsController } from './web/assets.controller';
import { PagesController } from './web/pages.controller';

/** The dashboard: web pages for reps and leads and the JSON API under /api. Reads PostgreSQL; what people say back goes to Kafka. */
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
      ],
      controllers: [
        MeController, AccountsController, MeetingsController, AlertsController, UnmappedController,
        LoginController, PagesController, DevMailController, AssetsController,
        FeedbackApiController, LinkController, PreferencesPageController, AccountActionsController,
        PasswordPageController, PasswordApiController, AuditController,
      ],
      providers: [
        { provide: DASHBOARD_CONFIG, useValue: config },
        { provide: UsersRepository, useFactory: (db: DataSource) => new UsersRepository(db, { sessionIdleMinutes: config.DASHBOARD_SESSION_IDLE_MINUTES }), inject: [DataSource] },
        SignInThrottle, AdminOnlyOrNotFound,
        // Who our own people are (as in the notifier), for the account page's warnings and the customer's people.
        {
          provide: AudienceBook,
          useFactory: (source: AudienceRepository) => new AudienceBook(source, { internalDomains: config.FOREWARN_INTERNAL_DOMAINS, mailFrom: config.MAIL_FROM }),
          inject: [AudienceRepository],
        },
        AudienceRepository,
        { provide: APP_FILTER, useFactory: (mail: DevMailClient) => new DashboardErrorFilter(() => mail.available), inject: [DevMailClient] },
        AuthService, Authenticator, ApiAuthGuard, PageAuthGuard,
        AccountsQuery, AccountsService, SupportNotesReadModel, AlertsQuery, MeetingsQuery, UnmappedQuery, DevMailClient, FeedbackQuery, FeedbackPublisher, OnceOnlyFeedback, DevMailAvailableGuard,
      ],
    };
  }
}
