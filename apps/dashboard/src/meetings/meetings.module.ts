import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { WebModule } from '../web/web.module';
import { MeetingsController, MeetingsPageController } from './meetings.controller';
import { MeetingsReadModel } from './meetings.read-model';

/** Meetings coming up with the accounts a user can see, each with that account's state. */
@Module({
  imports: [AuthModule, WebModule],
  controllers: [MeetingsController, MeetingsPageController],
  providers: [MeetingsReadModel],
})
export class MeetingsModule {}
