import { Controller, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Source } from '@forewarn/database';
import type { Response } from 'express';
import { AdmissionGuard } from '../ingest/admission.guard';
import { BodyLimit } from '../ingest/body-limits';
import { AuthenticatedSource, type IngestRequest } from '../ingest/ingest-request';
import { SourceRateLimitGuard } from '../ingest/source-rate-limit.guard';
import { WebhookRejectionsFilter } from './webhook-outcomes';
import { WebhookPipeline } from './webhook-pipeline';
import { WebhookSourceGuard } from './webhook-source.guard';

/**
 * `POST /v1/webhooks/<kind>/<source name>`: a support system's own webhook payload (`zendesk`,
 * `jira`, `freshdesk`, `servicenow`, `intercom`, `salesforce`), or any JSON for a `mapped` source, turned into canonical
 * events and published like /v1/events. One pipeline for every kind: the guards admit and
 * authenticate — the client's rate and the declared size (AdmissionGuard), the source the URL
 * names and its signature or api key (WebhookSourceGuard), the source's rate
 * (SourceRateLimitGuard) — and WebhookPipeline does the rest.
 */
@Controller('v1/webhooks')
@BodyLimit('webhooks')
@UseGuards(AdmissionGuard, WebhookSourceGuard, SourceRateLimitGuard)
@UseFilters(WebhookRejectionsFilter)
export class WebhooksController {
  constructor(private readonly pipeline: WebhookPipeline) {}

  /** The answer is the sender's (202 with JSON, or Salesforce's SOAP acknowledgement), so it is written here rather than by Nest. */
  @Post(':kind/:source')
  async receive(@AuthenticatedSource() source: Source, @Req() request: IngestRequest, @Res() response: Response): Promise<void> {
    const reply = await this.pipeline.deliver(source, request);
    response.status(reply.status).type(reply.contentType).send(reply.body);
  }
}
