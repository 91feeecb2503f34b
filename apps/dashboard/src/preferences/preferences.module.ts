import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { FeedbackModule } from '../feedback/feedback.module';
import { WebModule } from '../web/web.module';
import { PreferencesApiController, PreferencesPageController } from './preferences.controller';
import { PreferencesReadModel } from './preferences.read-model';

/** Someone's own notification preferences: read from the notifier's views, changed by publishing an event to it. */
@Module({
  imports: [AuthModule, FeedbackModule, WebModule],
  controllers: [PreferencesApiController, PreferencesPageController],
  providers: [PreferencesReadModel],
})
export class PreferencesModule {}
