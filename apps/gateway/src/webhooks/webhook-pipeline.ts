import { Inject, Injectable } from '@nestjs/common';
import type { GatewayConfig } from '@forewarn/config';
import type { Source } from '@forewarn/database';
import { deliveryMapperOf, type DeliveryRefusal, mapDelivery, MappingCache, validateDelivery, type VendorAnswer } from '@forewarn/ingest';
import { Problem } from '@forewarn/service-kit';
import { randomUUID } from 'node:crypto';
import { GATEWAY_CONFIG } from '../gateway.config';
import { BodyLimits } from '../ingest/body-limits';
import type { IngestRequest } from '../ingest/ingest-request';
import { IngestService } from '../ingest/ingest.service';
import { bodyOf, mediaTypeOf } from '../ingest/request-body';
import { DeliveryLog } from './delivery-log';
import { WebhookOutcomes } from './webhook-outcomes';
import { singleValued, type WebhookRequest } from './webhook-request';

/** Ids senders give their deliveries, in the order one is taken as the events' correlation id. */
const DELIVERY_ID_HEADERS = ['x-request-id', 'x-atlassian-webhook-identifier', 'x-zendesk-webhook-invocation-id'];

/** The HTTP answer to a delivery, as its sender expects it (`202` with JSON, or the vendor's own). */
export type WebhookReply = VendorAnswer;

/** A refusal of `libs/ingest` as the problem+json the sender gets. */
export const problemOf = (refusal: DeliveryRefusal): Problem => new Problem(refusal.status, refusal.title, refusal.detail, refusal.extra);

/**
 * What happens to a webhook delivery of any kind once the guards admitted and authenticated it:
 * read the body → parse and map it (the vendor's mapper with the source's settings, or the
 * source's JSONata mapping: `libs/ingest`'s DeliveryMapper) → at most GATEWAY_MAX_BATCH events →
 * the contract and the source's allowance → publish → answer (`202` with JSON, `ignored` listing
 * what yielded nothing; or the vendor's own acknowledgement) → the source's delivery log (queued,
 * never awaited; refusals are logged by WebhookRejectionsFilter). Nothing here knows a vendor.
 */
@Injectable()
export class WebhookPipeline {
  private readonly mappings = new MappingCache();

  constructor(
    private readonly ingest: IngestService,
    private readonly limits: BodyLimits,
    private readonly outcomes: WebhookOutcomes,
    private readonly log: DeliveryLog,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async deliver(source: Source, request: WebhookRequest): Promise<WebhookReply> {
    const receivedAt = new Date();
    const correlationId = correlationIdOf(request);
    request.delivery = { receivedAt, correlationId };
    const rawBody = await bodyOf(request, this.limits.webhooks);
    const mediaType = mediaTypeOf(request) || undefined;
    const headers = singleValued(request.headers);
    const mapper = deliveryMapperOf(source, this.mappings);
    if (!mapper.ok) throw problemOf(mapper.refusal);
    const mapped = await mapDelivery(mapper.mapper, source, { rawBody, mediaType, headers, receivedAt });
    if (!mapped.ok) throw problemOf(mapped.refusal);
    let ids: string[] = [];
    if (mapped.events.length > 0) {
      const valid = validateDelivery(mapped.events, source, receivedAt, this.config.GATEWAY_MAX_BATCH);
      if (!valid.ok) throw problemOf(valid.refusal);
      ids = await this.ingest.publish(valid.events, source, correlationId);
    }
    const outcome = ids.length > 0 ? 'accepted' : 'ignored';
    this.outcomes.count(source.kind, outcome);
    const reply = mapper.mapper.answer({ accepted: ids.length, ids, ignored: mapped.ignored, mediaType });
    this.log.record({
      receivedAt, source: source.name, kind: source.kind, outcome, status: reply.status, eventIds: ids, ignored: mapped.ignored, problem: null, rawBody, mediaType, headers, correlationId,
    });
    return reply;
  }
}

function correlationIdOf(request: IngestRequest): string {
  for (const name of DELIVERY_ID_HEADERS) {
    const value = request.headers[name];
    if (value !== undefined) return String(value);
  }
  return randomUUID();
}
