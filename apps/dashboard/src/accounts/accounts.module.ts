import { Module } from '@nestjs/common';
import { AudienceBook } from '@forewarn/alerting';
import type { DashboardConfig } from '@forewarn/config';
import { AudienceRepository } from '@forewarn/database';
import { AlertsModule } from '../alerts/alerts.module';
import { AuthModule } from '../auth/auth.module';
import { DASHBOARD_CONFIG } from '../common/dashboard.config';
import { WebModule } from '../web/web.module';
import { AccountPagesController } from './account-pages.controller';
import { AccountsController } from './accounts.controller';
import { AccountsReadModel } from './accounts.read-model';
import { AccountsService } from './accounts.service';
import { SupportNotesReadModel } from './support-notes.read-model';

/** The overview and each account's whole story: health, cases, timeline, meetings, alerts, who was told. */
@Module({
  imports: [AuthModule, AlertsModule, WebModule],
  controllers: [AccountsController, AccountPagesController],
  providers: [
    AccountsReadModel,
    AccountsService,
    SupportNotesReadModel,
    // Who our own people are (as in the notifier), for the account page's warnings and the customer's people.
    AudienceRepository,
    {
      provide: AudienceBook,
      useFactory: (config: DashboardConfig, source: AudienceRepository) =>
        new AudienceBook(source, { internalDomains: config.FOREWARN_INTERNAL_DOMAINS, mailFrom: config.MAIL_FROM }),
      inject: [DASHBOARD_CONFIG, AudienceRepository],
    },
  ],
})
export class AccountsModule {}
