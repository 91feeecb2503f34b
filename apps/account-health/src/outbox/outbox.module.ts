import { Module } from '@nestjs/common';
import { HealthDataModule } from '@forewarn/database';
import { OutboxRelay } from './outbox-relay';

/** The relay that publishes `health.outbox` to Kafka. */
@Module({ imports: [HealthDataModule], providers: [OutboxRelay], exports: [OutboxRelay] })
export class OutboxModule {}
