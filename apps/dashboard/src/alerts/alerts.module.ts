import { Module } from '@nestjs/common';
import { DashboardDataModule } from '@forewarn/database';
import { AuthModule } from '../auth/auth.module';
import { AlertLogPageController, AlertsController } from './alerts.controller';
import { WebModule } from '../web/web.module';
import { AlertsReadModel } from './alerts.read-model';
import { AlertsService } from './alerts.service';

/** Alerts about the accounts a user can see: who was told, how that went, who acknowledged them. */
@Module({
  imports: [AuthModule, DashboardDataModule, WebModule],
  controllers: [AlertsController, AlertLogPageController],
  providers: [AlertsReadModel, AlertsService],
  exports: [AlertsService],
})
export class AlertsModule {}
