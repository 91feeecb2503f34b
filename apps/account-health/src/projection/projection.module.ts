import { Module } from '@nestjs/common';
import { ProjectorModule } from '@forewarn/projection';
import { OutboxModule } from '../outbox/outbox.module';
import { PolicyModule } from '../policy/policy.module';
import { EventsController } from './events.controller';
import { ProjectionService } from './projection.service';

/** `<prefix>events.v1` in, projections and outbox out, one transaction per batch. */
@Module({ imports: [ProjectorModule, PolicyModule, OutboxModule], controllers: [EventsController], providers: [ProjectionService], exports: [ProjectionService] })
export class ProjectionModule {}
