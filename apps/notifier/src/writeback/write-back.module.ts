import { Module } from '@nestjs/common';
import { NotifierDataModule } from '@forewarn/database';
import { VendorClient } from './vendor-client';
import { WriteBackMetrics } from './write-back-metrics';
import { WriteBackPlanner } from './write-back-planner';
import { WriteBackWorker } from './write-back-worker';

/**
 * Write-back: what sales knows flows back to support. The planner adds internal notes to the
 * write-back ledger when an alert is acknowledged, a briefing is mailed or an account turns
 * firestorm before a meeting; the worker writes them to the helpdesks the cases came from.
 */
@Module({
  imports: [NotifierDataModule],
  providers: [VendorClient, WriteBackMetrics, WriteBackWorker, WriteBackPlanner],
  exports: [WriteBackPlanner],
})
export class WriteBackModule {}
