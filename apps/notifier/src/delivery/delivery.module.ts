import { Module } from '@nestjs/common';
import { NotifierDataModule } from '@forewarn/database';
import { AudienceModule } from '../audience/audience.module';
import { WriteBackModule } from '../writeback/write-back.module';
import { ChatPoster } from './chat-poster';
import { LedgerMetrics } from './ledger-metrics';
import { Mailer } from './mailer';
import { SenderService } from './sender.service';
import { SmtpReadiness } from './smtp-readiness';

/** Delivery: the sender claims due notifications from the ledger and sends them by mail (and a copy to chat). */
@Module({
  imports: [NotifierDataModule, AudienceModule, WriteBackModule],
  providers: [Mailer, ChatPoster, SenderService, SmtpReadiness, LedgerMetrics],
  exports: [SenderService],
})
export class DeliveryModule {}
