import { Module } from '@nestjs/common';
import { GatewayDataModule } from '@forewarn/database';
import { IngestModule } from '../ingest/ingest.module';
import { DeliveryLog } from './delivery-log';
import { WebhookOutcomes } from './webhook-outcomes';
import { WebhookPipeline } from './webhook-pipeline';
import { WebhooksController } from './webhooks.controller';

/** `/v1/webhooks/<kind>/<source>`: vendors' own payloads and mapped sources, through one pipeline, and each source's delivery log. */
@Module({ imports: [IngestModule, GatewayDataModule], controllers: [WebhooksController], providers: [WebhookPipeline, WebhookOutcomes, DeliveryLog] })
export class WebhooksModule {}
