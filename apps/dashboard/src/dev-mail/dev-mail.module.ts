import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { WebModule } from '../web/web.module';
import { DevMailClient } from './dev-mail.client';
import { AdminOnlyOrNotFound } from '../auth/admin-only.guard';
import { DevMailAvailableGuard, DevMailController } from './dev-mail.controller';

/** What the development mail sink caught, for admins; in development only. */
@Module({
  imports: [AuthModule, WebModule],
  controllers: [DevMailController],
  providers: [DevMailClient, DevMailAvailableGuard, AdminOnlyOrNotFound],
})
export class DevMailModule {}
