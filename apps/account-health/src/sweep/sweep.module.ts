import { Module } from '@nestjs/common';
import { HealthDataModule } from '@forewarn/database';
import { OutboxModule } from '../outbox/outbox.module';
import { PolicyModule } from '../policy/policy.module';
import { ProjectionModule } from '../projection/projection.module';
import { HealthSweep } from './health-sweep.service';

/** The periodic re-evaluation of health that changes with time alone, and after a policy reload. */
@Module({ imports: [HealthDataModule, ProjectionModule, PolicyModule, OutboxModule], providers: [HealthSweep] })
export class SweepModule {}
