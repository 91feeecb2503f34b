import { Controller, HttpCode, Inject, Post, Req, UseFilters, UseGuards } from '@nestjs/common';
import type { GatewayConfig } from '@forewarn/config';
import type { Source } from '@forewarn/database';
import { Problem } from '@forewarn/service-kit';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { GATEWAY_CONFIG } from '../gateway.config';
import { AdmissionGuard } from '../ingest/admission.guard';
import { BodyLimit, BodyLimits } from '../ingest/body-limits';
import { AuthenticatedSource } from '../ingest/ingest-request';
import { IngestService, type Outgoing } from '../ingest/ingest.service';
import { RejectionsFilter } from '../ingest/rejections.filter';
import { mediaTypeOf, parseJsonBody, readRawBody } from '../ingest/request-body';
import { SourceRateLimitGuard } from '../ingest/source-rate-limit.guard';
import { ApiKeyGuard } from './api-key.guard';

const SINGLE_TYPES = ['application/cloudevents+json', 'application/json'];
const BATCH_TYPE = 'application/cloudevents-batch+json';

/**
 * `POST /v1/events`. The guards refuse first, cheapest first: the client's rate and the declared
 * size (AdmissionGuard), the api key (ApiKeyGuard), the source's rate (SourceRateLimitGuard).
 */
@Controller('v1/events')
@BodyLimit('events')
@UseGuards(AdmissionGuard, ApiKeyGuard, SourceRateLimitGuard)
@UseFilters(RejectionsFilter)
export class EventsController {
  constructor(private readonly ingest: IngestService, private readonly limits: BodyLimits, @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  /** One CloudEvent, or a batch (a JSON array) of up to GATEWAY_MAX_BATCH; 202 once Kafka has them. */
  @Post()
  @HttpCode(202)
  async receive(@Req() request: Request, @AuthenticatedSource() source: Source): Promise<{ accepted: number; ids: string[] }> {
    const mediaType = mediaTypeOf(request);
    if (mediaType !== BATCH_TYPE && !SINGLE_TYPES.includes(mediaType)) {
      throw new Problem(415, 'Unsupported Media Type', `Content-Type must be application/cloudevents+json, ${BATCH_TYPE} or application/json, not "${mediaType || 'none'}".`);
    }
    const correlationId = String(request.headers['x-request-id'] ?? randomUUID());
    const outgoing = await this.readEvents(request, mediaType, source, correlationId);
    const ids = await this.ingest.send(outgoing, source);
    return { accepted: ids.length, ids };
  }

  /** Reads, validates and encodes the body; the parsed body does not outlive this call (see Outgoing). */
  private async readEvents(request: Request, mediaType: string, source: Source, correlationId: string): Promise<Outgoing> {
    const body = parseJsonBody(await readRawBody(request, this.limits.events));
    const isBatch = Array.isArray(body);
    if (mediaType === BATCH_TYPE && !isBatch) throw new Problem(400, 'Invalid batch', `A ${BATCH_TYPE} body must be a JSON array of events.`);
    if (mediaType === 'application/cloudevents+json' && isBatch) throw new Problem(400, 'Invalid event', `An application/cloudevents+json body is one event; send arrays as ${BATCH_TYPE}.`);
    const bodies = isBatch ? body : [body];
    if (bodies.length === 0) throw new Problem(400, 'Invalid batch', 'The batch is empty.');
    if (bodies.length > this.config.GATEWAY_MAX_BATCH) {
      throw new Problem(413, 'Content Too Large', `A batch holds at most ${this.config.GATEWAY_MAX_BATCH} events; this one has ${bodies.length}.`);
    }
    return this.ingest.toOutgoing(this.ingest.validate(bodies, source, new Date(), isBatch), correlationId);
  }
}
