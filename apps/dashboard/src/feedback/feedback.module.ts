import { Module } from '@nestjs/common';
import { DashboardDataModule } from '@forewarn/database';
import { AuthModule } from '../auth/auth.module';
import { AccountActionsController, FeedbackApiController, LinkController } from './feedback.controller';
import { FeedbackPublisher } from './feedback.publisher';
import { FeedbackReadModel } from './feedback.read-model';
import { OnceOnlyFeedback } from './once-only';

/**
 * What people say back about an alert — acknowledge, snooze, resend — from the API, the account
 * page and the one-click links in mails; published to the notifier as events, each once.
 */
@Module({
  imports: [AuthModule, DashboardDataModule],
  controllers: [LinkController, FeedbackApiController, AccountActionsController],
  providers: [FeedbackReadModel, FeedbackPublisher, OnceOnlyFeedback],
  exports: [FeedbackPublisher],
})
export class FeedbackModule {}
