import { Module } from '@nestjs/common';
import { IngestModule } from '../ingest/ingest.module';
import { WebhookOutcomes } from './webhook-outcomes';
import { WebhookPipeline } from './webhook-pipeline';
import { WebhooksController } from './webhooks.controller';

/** `/v1/webhooks/<kind>/<source>`: vendors' own payloads and mapped sources, through one pipeline. */
@Module({ imports: [IngestModule], controllers: [WebhooksController], providers: [WebhookPipeline, WebhookOutcomes] })
export class WebhooksModule {}
