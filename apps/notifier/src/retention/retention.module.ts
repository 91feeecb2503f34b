import { Module } from '@nestjs/common';
import { NotifierDataModule } from '@forewarn/database';
import { LedgerRetention } from './ledger-retention.service';

/** Deletes what the notifier keeps only for a while: settled notifications and digest records past their retention. */
@Module({ imports: [NotifierDataModule], providers: [LedgerRetention] })
export class RetentionModule {}
