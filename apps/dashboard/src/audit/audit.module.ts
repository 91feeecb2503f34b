import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { WebModule } from '../web/web.module';
import { AuditController, AuditPageController } from './audit.controller';

/** The audit log of admin actions, for admins (`AuditLog` comes from DatabaseModule): the API and the page. */
@Module({
  imports: [AuthModule, WebModule],
  controllers: [AuditController, AuditPageController],
})
export class AuditModule {}
