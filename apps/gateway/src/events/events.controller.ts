import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { GatewayConfig } from '@forewarn/config';
import type { Source } from '@forewarn/database';
import { Problem } from '@forewarn/service-kit';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { GATEWAY_CONFIG } from '../gateway.config';
import { ClientRateLimiter } from '../limits/client-rate-limiter';
import { RateLimiter } from '../limits/rate-limiter';
import { IngestService, type Outgoing } from './ingest.service';
import { mediaTypeOf, parseJsonBody, readRawBody, refuseOversizedBody } from './request-body';
import { SourceAuth } from './source-auth';

const SINGLE_TYPES = ['application/cloudevents+json', 'application/json'];
const BATCH_TYPE = 'application/cloudevents-batch+json';

@Controller('v1/events')
export class EventsController {
  constructor(
    private readonly auth: SourceAuth,
    private readonly ingest: IngestService,
    private readonly rateLimiter: RateLimiter,
    private readonly clientLimiter: ClientRateLimiter,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** One CloudEvent, or a batch (a JSON array) of up to GATEWAY_MAX_BATCH; 202 once Kafka has them. */
  @Post()
  @HttpCode(202)
  async receive(@Req() request: Request): Promise<{ accepted: number; ids: string[] }> {
    // Cheap refusals first: nothing is read and nobody looked up for a flood or a body too large.
    await this.ingest.rejecting(async () => {
      this.clientLimiter.check(request);
      refuseOversizedBody(request, this.config.GATEWAY_MAX_BODY_BYTES);
    });
    const source = await this.ingest.rejecting(() => this.auth.authenticate(request));
    if (source.kind !== 'events') {
      throw this.ingest.reject(new Problem(403, 'Forbidden', `Source "${source.name}" is registered for ${source.kind} webhooks; post to /v1/webhooks/${source.kind}/${source.name}.`));
    }
    await this.ingest.rejecting(async () => this.rateLimiter.check(source.name));
    const mediaType = mediaTypeOf(request);
    if (mediaType !== BATCH_TYPE && !SINGLE_TYPES.includes(mediaType)) {
      throw this.ingest.reject(new Problem(415, 'Unsupported Media Type', `Content-Type must be application/cloudevents+json, ${BATCH_TYPE} or application/json, not "${mediaType || 'none'}".`));
    }
    const correlationId = String(request.headers['x-request-id'] ?? randomUUID());
    const outgoing = await this.readEvents(request, mediaType, source, correlationId);
    const ids = await this.ingest.send(outgoing, source);
    return { accepted: ids.length, ids };
  }

  /** Reads, validates and encodes the body; the parsed body does not outlive this call (see Outgoing). */
  private async readEvents(request: Request, mediaType: string, source: Source, correlationId: string): Promise<Outgoing> {
    const body = await this.ingest.rejecting(async () => parseJsonBody(await readRawBody(request, this.config.GATEWAY_MAX_BODY_BYTES)));
    const isBatch = Array.isArray(body);
    if (mediaType === BATCH_TYPE && !isBatch) throw this.ingest.reject(new Problem(400, 'Invalid batch', `A ${BATCH_TYPE} body must be a JSON array of events.`));
    if (mediaType === 'application/cloudevents+json' && isBatch) throw this.ingest.reject(new Problem(400, 'Invalid event', `An application/cloudevents+json body is one event; send arrays as ${BATCH_TYPE}.`));
    const bodies = isBatch ? body : [body];
    if (bodies.length === 0) throw this.ingest.reject(new Problem(400, 'Invalid batch', 'The batch is empty.'));
    if (bodies.length > this.config.GATEWAY_MAX_BATCH) {
      throw this.ingest.reject(new Problem(413, 'Content Too Large', `A batch holds at most ${this.config.GATEWAY_MAX_BATCH} events; this one has ${bodies.length}.`));
    }
    return this.ingest.toOutgoing(this.ingest.validate(bodies, source, new Date(), isBatch), correlationId);
  }
}
