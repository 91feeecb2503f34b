import { Module } from '@nestjs/common';
import { HealthDataModule } from '@forewarn/database';
import { Projector } from './projector';
import { Rebuild } from './rebuild';

/** The projector and the rebuild, over the `health` repositories (exported too, for their callers' own reads). */
@Module({ imports: [HealthDataModule], providers: [Projector, Rebuild], exports: [Projector, Rebuild, HealthDataModule] })
export class ProjectorModule {}
