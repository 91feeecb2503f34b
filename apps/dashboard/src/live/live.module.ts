import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { LiveController } from './live.controller';
import { LiveFeed } from './live-feed';

/** Live updates for the pages: server-sent events of health changes, alerts, acknowledgements and delivery outcomes. */
@Module({
  imports: [AuthModule],
  controllers: [LiveController],
  providers: [LiveFeed],
})
export class LiveModule {}
