import { Module } from '@nestjs/common';
import { NotifierDataModule } from '@forewarn/database';
import { AudienceModule } from '../audience/audience.module';
import { DeliveryModule } from '../delivery/delivery.module';
import { WriteBackModule } from '../writeback/write-back.module';
import { AlertsController } from './alerts.controller';
import { IntakeService } from './intake.service';

/** Intake: the alerts topic's consumer, turning alert decisions and what people said back into the ledger's rows. */
@Module({
  imports: [NotifierDataModule, AudienceModule, DeliveryModule, WriteBackModule],
  controllers: [AlertsController],
  providers: [IntakeService],
})
export class IntakeModule {}
