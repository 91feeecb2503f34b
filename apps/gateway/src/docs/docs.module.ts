import { Module } from '@nestjs/common';
import { IngestModule } from '../ingest/ingest.module';
import { DocsController } from './docs.controller';

/** The gateway's API description, with the limits in force. */
@Module({ imports: [IngestModule], controllers: [DocsController] })
export class DocsModule {}
