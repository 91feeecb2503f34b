import { type ArgumentsHost, Catch, Injectable } from '@nestjs/common';
import type { DeliveryProblem } from '@forewarn/database';
import { isDeliveryKind } from '@forewarn/ingest';
import { Metrics, Problem } from '@forewarn/service-kit';
import type { Request } from 'express';
import { RejectionsFilter } from '../ingest/rejections.filter';
import { mediaTypeOf } from '../ingest/request-body';
import { DeliveryLog } from './delivery-log';
import { singleValued, type WebhookRequest } from './webhook-request';

/** Webhook deliveries by kind and outcome (`forewarn_gateway_webhooks_total`). */
@Injectable()
export class WebhookOutcomes {
  private readonly outcomes;

  constructor(metrics: Metrics) {
    this.outcomes = metrics.counter('forewarn_gateway_webhooks_total', 'Webhook deliveries by vendor and outcome (accepted, ignored, rejected)', ['kind', 'outcome']);
  }

  count(kind: string, outcome: 'accepted' | 'ignored' | 'rejected'): void {
    this.outcomes.inc({ kind, outcome });
  }
}

/**
 * Counts a refused delivery of a known kind as `rejected`, besides what RejectionsFilter counts and
 * answers; and logs it in its source's delivery log when it got past authentication (a refusal for
 * its content: 400, 403, 409, 413, or 503 when Kafka was down), with the problem it was answered.
 * Unauthenticated noise (401, unknown sources) and the source's rate limit (429) are not logged.
 */
@Catch()
@Injectable()
export class WebhookRejectionsFilter extends RejectionsFilter {
  constructor(metrics: Metrics, private readonly outcomes: WebhookOutcomes, private readonly log: DeliveryLog) {
    super(metrics);
  }

  override catch(caught: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<WebhookRequest & Request<{ kind?: string }>>();
    const { kind } = request.params;
    if (kind !== undefined && isDeliveryKind(kind)) this.outcomes.count(kind, 'rejected');
    const status = caught instanceof Problem ? caught.status : 500;
    if (request.source && status !== 429) {
      const problem: DeliveryProblem = caught instanceof Problem
        ? { title: caught.title, detail: caught.detail, ...pick(caught.extra, 'errors', 'mappingError') }
        : { title: 'Internal Server Error', detail: 'The gateway failed on this delivery; nothing was accepted.' };
      this.log.record({
        receivedAt: request.delivery?.receivedAt ?? new Date(), source: request.source.name, kind: request.source.kind, outcome: 'rejected', status, eventIds: [], ignored: [],
        problem, rawBody: request.rawBody ?? null, mediaType: mediaTypeOf(request) || undefined, headers: singleValued(request.headers), correlationId: request.delivery?.correlationId ?? null,
      });
    }
    super.catch(caught, host);
  }
}

const pick = (extra: Record<string, unknown> | undefined, ...keys: string[]): Record<string, unknown> =>
  Object.fromEntries(keys.filter((key) => extra?.[key] !== undefined).map((key) => [key, extra?.[key]]));
