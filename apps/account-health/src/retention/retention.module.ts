import { Module } from '@nestjs/common';
import { HealthDataModule } from '@forewarn/database';
import { HistoryRetention } from './history-retention.service';

/** Deletes what account-health keeps only for a while: health history past its retention. */
@Module({ imports: [HealthDataModule], providers: [HistoryRetention] })
export class RetentionModule {}
