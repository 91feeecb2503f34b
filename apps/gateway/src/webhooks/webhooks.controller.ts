import { Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import type { GatewayConfig } from '@forewarn/config';
import type { Source } from '@forewarn/database';
import {
  describeMappingError, isWebhookKind, MAPPED_KIND, MappingCache, mapWebhook, runMapping, WEBHOOK_KINDS, WEBHOOK_VENDORS,
} from '@forewarn/ingest';
import { Metrics, Problem } from '@forewarn/service-kit';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { IngestService } from '../events/ingest.service';
import { mediaTypeOf, parseJsonBody, readRawBody, refuseOversizedBody } from '../events/request-body';
import { SourceAuth } from '../events/source-auth';
import { GATEWAY_CONFIG } from '../gateway.config';
import { ClientRateLimiter } from '../limits/client-rate-limiter';
import { RateLimiter } from '../limits/rate-limiter';

export interface WebhookAnswer {
  accepted: number;
  ids: string[];
  /** Present when the delivery was valid but Forewarn deliberately made no event of it. */
  ignored?: string;
}

/**
 * `POST /v1/webhooks/<kind>/<source name>`: a support system's own webhook payload, verified by
 * the vendor's signature when the source has a signing secret (Zendesk, Jira), otherwise by the
 * source's api key; mapped to canonical events by @forewarn/ingest and published like /v1/events.
 */
@Controller('v1/webhooks')
export class WebhooksController {
  private readonly outcomes;
  private readonly mappings = new MappingCache();
  private readonly maxBodyBytes: number;

  constructor(
    private readonly auth: SourceAuth,
    private readonly ingest: IngestService,
    private readonly rateLimiter: RateLimiter,
    private readonly clientLimiter: ClientRateLimiter,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    metrics: Metrics,
  ) {
    // Webhooks are single deliveries: a smaller limit than /v1/events batches, never a larger one.
    this.maxBodyBytes = Math.min(config.GATEWAY_WEBHOOK_MAX_BODY_BYTES, config.GATEWAY_MAX_BODY_BYTES);
    this.outcomes = metrics.counter('forewarn_gateway_webhooks_total', 'Webhook deliveries by vendor and outcome (accepted, ignored, rejected)', ['kind', 'outcome']);
  }

  /**
   * `POST /v1/webhooks/mapped/<source name>`: any system's webhook JSON, turned into canonical
   * events by the JSONata mapping stored with the source (`forewarn mapping set`); api key auth.
   * Declared before `:kind/:source` so that it wins the route.
   */
  @Post(`${MAPPED_KIND}/:source`)
  @HttpCode(202)
  async receiveMapped(@Param('source') name: string, @Req() request: Request): Promise<WebhookAnswer> {
    const receivedAt = new Date();
    try {
      const answer = await this.handleMapped(name, request, receivedAt);
      this.outcomes.inc({ kind: MAPPED_KIND, outcome: answer.ignored ? 'ignored' : 'accepted' });
      return answer;
    } catch (error) {
      this.outcomes.inc({ kind: MAPPED_KIND, outcome: 'rejected' });
      throw error instanceof Problem ? this.ingest.reject(error) : error;
    }
  }

  @Post(':kind/:source')
  @HttpCode(202)
  async receive(@Param('kind') kind: string, @Param('source') name: string, @Req() request: Request): Promise<WebhookAnswer> {
    const receivedAt = new Date();
    try {
      const answer = await this.handle(kind, name, request, receivedAt);
      this.outcomes.inc({ kind, outcome: answer.ignored ? 'ignored' : 'accepted' });
      return answer;
    } catch (error) {
      if (isWebhookKind(kind)) this.outcomes.inc({ kind, outcome: 'rejected' });
      throw error instanceof Problem ? this.ingest.reject(error) : error;
    }
  }

  private async handle(kind: string, name: string, request: Request, receivedAt: Date): Promise<WebhookAnswer> {
    this.clientLimiter.check(request);
    if (!isWebhookKind(kind)) {
      throw new Problem(404, 'Not Found', `There are no "${kind}" webhooks; the kinds are ${[...WEBHOOK_KINDS, MAPPED_KIND].join(', ')}.`);
    }
    const source = await this.admit(kind, name, request);
    const rawBody = await this.authenticateAndRead(source, request, receivedAt);
    const payload = parseJsonBody(rawBody);
    const result = mapWebhook(kind, payload, { receivedAt });
    if (result.status === 'invalid') {
      const [first] = result.errors;
      throw new Problem(400, 'Invalid webhook payload', `This is not a ${kind} webhook payload Forewarn understands (nothing was accepted): ${first.field} ${first.message}.`, { errors: result.errors });
    }
    if (result.status === 'ignored') return { accepted: 0, ids: [], ignored: result.reason };
    if (result.events.length > this.config.GATEWAY_MAX_BATCH) {
      throw new Problem(413, 'Content Too Large', `This delivery maps to ${result.events.length} events; at most ${this.config.GATEWAY_MAX_BATCH} are accepted at once.`);
    }
    const events = this.ingest.validateMapped(result.events, source, receivedAt);
    const correlationId = String(request.headers['x-request-id'] ?? request.headers['x-atlassian-webhook-identifier'] ?? request.headers['x-zendesk-webhook-invocation-id'] ?? randomUUID());
    const ids = await this.ingest.publish(events, source, correlationId);
    return { accepted: ids.length, ids };
  }

  private async handleMapped(name: string, request: Request, receivedAt: Date): Promise<WebhookAnswer> {
    this.clientLimiter.check(request);
    const source = await this.admit(MAPPED_KIND, name, request);
    const rawBody = await this.authenticateAndRead(source, request, receivedAt);
    if (!source.mapping) {
      throw new Problem(409, 'No mapping', `Source "${source.name}" has no mapping yet, so nothing was accepted. Test one with "npx forewarn mapping test <file.jsonata> <sample.json>" and set it with "npx forewarn mapping set ${source.name} <file.jsonata>".`);
    }
    const compiled = this.mappings.get(source.mapping);
    if (!compiled.ok) {
      throw new Problem(409, 'No mapping', `The mapping of source "${source.name}" does not compile (${describeMappingError(compiled.error)}), so nothing was accepted.`, { mappingError: compiled.error });
    }
    const payload = parseJsonBody(rawBody);
    const headers = Object.fromEntries(Object.entries(request.headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
    const result = await runMapping(compiled.mapping, payload, { receivedAt, source: source.name, headers });
    if (result.status === 'failed') {
      throw new Problem(400, 'Mapping failed', `The mapping of source "${source.name}" failed on this payload (nothing was accepted): ${describeMappingError(result.error)}.`, { mappingError: result.error });
    }
    if (result.status === 'invalid') {
      const [first] = result.errors;
      throw new Problem(400, 'Invalid webhook payload', `The mapping of source "${source.name}" did not produce events (nothing was accepted): ${first.field} ${first.message}.`, { errors: result.errors });
    }
    if (result.status === 'ignored') return { accepted: 0, ids: [], ignored: result.reason };
    if (result.events.length > this.config.GATEWAY_MAX_BATCH) {
      throw new Problem(413, 'Content Too Large', `This delivery maps to ${result.events.length} events; at most ${this.config.GATEWAY_MAX_BATCH} are accepted at once.`);
    }
    const events = this.ingest.validateMapped(result.events, source, receivedAt);
    const correlationId = String(request.headers['x-request-id'] ?? randomUUID());
    const ids = await this.ingest.publish(events, source, correlationId);
    return { accepted: ids.length, ids };
  }

  /**
   * The cheap refusals after the client's rate, before anything is read or any signature computed:
   * a declared body over the limit (413), a source that does not exist (404) or is of another kind
   * (403), a body that is not JSON (415).
   */
  private async admit(kind: string, name: string, request: Request): Promise<Source> {
    refuseOversizedBody(request, this.maxBodyBytes);
    const source = await this.auth.findByName(name);
    if (!source) {
      const mapping = kind === MAPPED_KIND ? ' --mapping <file.jsonata>' : '';
      throw new Problem(404, 'Not Found', `There is no source named "${name}". Register it with "npx forewarn source add ${name} --kind ${kind}${mapping}".`);
    }
    if (source.kind !== kind) {
      const where = source.kind === 'events' ? '/v1/events' : `/v1/webhooks/${source.kind}/${source.name}`;
      throw new Problem(403, 'Forbidden', `Source "${source.name}" is registered as ${source.kind}, not ${kind}; send to ${where}.`);
    }
    const mediaType = mediaTypeOf(request);
    if (mediaType && mediaType !== 'application/json' && !mediaType.endsWith('+json') && mediaType !== 'text/plain') {
      throw new Problem(415, 'Unsupported Media Type', `Send the webhook body as JSON (Content-Type: application/json), not "${mediaType}".`);
    }
    return source;
  }

  /**
   * The vendor's signature when the source has a signing secret and the vendor signs (Zendesk,
   * Jira): over the body, so it is read first (at most GATEWAY_WEBHOOK_MAX_BODY_BYTES). Otherwise
   * the source's own api key (bearer, Basic with the key as user name, ?token=), checked before
   * the body is read. Then the source's rate.
   */
  private async authenticateAndRead(source: Source, request: Request, now: Date): Promise<Buffer> {
    const vendor = isWebhookKind(source.kind) ? WEBHOOK_VENDORS[source.kind] : null;
    const verify = source.signingSecret ? vendor?.verify : undefined;
    if (!verify) {
      const keyOwner = await this.auth.authenticate(request);
      if (keyOwner.name !== source.name) {
        throw new Problem(403, 'Forbidden', `This api key belongs to source "${keyOwner.name}", not "${source.name}".`);
      }
      this.rateLimiter.check(source.name);
      return readRawBody(request, this.maxBodyBytes);
    }
    const rawBody = await readRawBody(request, this.maxBodyBytes);
    const check = verify({ secret: source.signingSecret as string, rawBody, headers: request.headers, now, toleranceSeconds: this.config.GATEWAY_SIGNATURE_TOLERANCE_SECONDS });
    if (!check.ok) {
      throw new Problem(401, 'Unauthorized', check.detail, { reason: `signature_${check.reason}`, headers: { 'WWW-Authenticate': `${vendor?.signatureScheme ?? 'HMAC-SHA256'} realm="forewarn"` } });
    }
    this.rateLimiter.check(source.name);
    return rawBody;
  }
}
