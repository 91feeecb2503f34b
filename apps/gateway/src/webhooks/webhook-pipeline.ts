import { Inject, Injectable } from '@nestjs/common';
import type { GatewayConfig } from '@forewarn/config';
import type { Source } from '@forewarn/database';
import { isWebhookKind, MappingCache, WEBHOOK_VENDORS } from '@forewarn/ingest';
import { Problem } from '@forewarn/service-kit';
import { randomUUID } from 'node:crypto';
import { GATEWAY_CONFIG } from '../gateway.config';
import { BodyLimits } from '../ingest/body-limits';
import type { IngestRequest } from '../ingest/ingest-request';
import { IngestService } from '../ingest/ingest.service';
import { bodyOf } from '../ingest/request-body';
import { type DeliveryMapper, jsonataMapper, vendorMapper, type WebhookReply } from './delivery-mappers';
import { WebhookOutcomes } from './webhook-outcomes';

/** Ids senders give their deliveries, in the order one is taken as the events' correlation id. */
const DELIVERY_ID_HEADERS = ['x-request-id', 'x-atlassian-webhook-identifier', 'x-zendesk-webhook-invocation-id'];

/**
 * What happens to a webhook delivery of any kind once the guards admitted and authenticated it:
 * read the body → map it (the vendor's mapper, or the source's JSONata mapping) → at most
 * GATEWAY_MAX_BATCH events → the source's allowance and the contract → publish → answer. Nothing
 * here knows a vendor: each comes as a DeliveryMapper.
 */
@Injectable()
export class WebhookPipeline {
  private readonly mappings = new MappingCache();

  constructor(
    private readonly ingest: IngestService,
    private readonly limits: BodyLimits,
    private readonly outcomes: WebhookOutcomes,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async deliver(source: Source, request: IngestRequest): Promise<WebhookReply> {
    const receivedAt = new Date();
    const rawBody = await bodyOf(request, this.limits.webhooks);
    const mapper = this.mapperOf(source);
    const mapped = await mapper.map(mapper.parse(rawBody), { receivedAt, headers: singleValued(request.headers) });
    if ('ignored' in mapped) {
      this.outcomes.count(source.kind, 'ignored');
      return mapper.answer({ accepted: 0, ids: [], ignored: mapped.ignored });
    }
    if (mapped.events.length > this.config.GATEWAY_MAX_BATCH) {
      throw new Problem(413, 'Content Too Large', `This delivery maps to ${mapped.events.length} events; at most ${this.config.GATEWAY_MAX_BATCH} are accepted at once.`);
    }
    const events = this.ingest.validateMapped(mapped.events, source, receivedAt);
    const ids = await this.ingest.publish(events, source, correlationIdOf(request));
    this.outcomes.count(source.kind, 'accepted');
    return mapper.answer({ accepted: ids.length, ids });
  }

  private mapperOf(source: Source): DeliveryMapper {
    return isWebhookKind(source.kind) ? vendorMapper(WEBHOOK_VENDORS[source.kind]) : jsonataMapper(source, this.mappings);
  }
}

function correlationIdOf(request: IngestRequest): string {
  for (const name of DELIVERY_ID_HEADERS) {
    const value = request.headers[name];
    if (value !== undefined) return String(value);
  }
  return randomUUID();
}

const singleValued = (headers: IngestRequest['headers']): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
