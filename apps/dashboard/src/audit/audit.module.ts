import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AuditController } from './audit.controller';

/** The audit log of admin actions, for admins (`AuditLog` comes from DatabaseModule). */
@Module({
  imports: [AuthModule],
  controllers: [AuditController],
})
export class AuditModule {}
