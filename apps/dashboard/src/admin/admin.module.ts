import { Module } from '@nestjs/common';
import { DashboardDataModule, GatewayDataModule } from '@forewarn/database';
import { AuthModule } from '../auth/auth.module';
import { WebModule } from '../web/web.module';
import { AdminController } from './admin.controller';
import { PolicyController } from './policy.controller';
import { PolicyReadModel } from './policy.read-model';
import { SourcesTrafficReadModel } from './sources.read-model';

/** What an admin manages without a shell: sources (keys, the delivery log), users (invitations, roles, deactivation), the health policy. */
@Module({
  imports: [AuthModule, WebModule, DashboardDataModule, GatewayDataModule],
  controllers: [AdminController, PolicyController],
  providers: [SourcesTrafficReadModel, PolicyReadModel],
})
export class AdminModule {}
