import { Module } from '@nestjs/common';
import { IngestModule } from '../ingest/ingest.module';
import { EventsController } from './events.controller';

/** `/v1/events`: canonical CloudEvents from support systems, by api key. */
@Module({ imports: [IngestModule], controllers: [EventsController] })
export class EventsModule {}
