import { Module } from '@nestjs/common';
import { NotifierDataModule } from '@forewarn/database';
import { AudienceModule } from '../audience/audience.module';
import { DeliveryModule } from '../delivery/delivery.module';
import { DigestService } from './digest.service';

/** Daily digests: queued in the ledger for the sender, once per person and local day. */
@Module({
  imports: [NotifierDataModule, AudienceModule, DeliveryModule],
  providers: [DigestService],
})
export class DigestModule {}
