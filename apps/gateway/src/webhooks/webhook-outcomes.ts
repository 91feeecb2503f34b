import { type ArgumentsHost, Catch, Injectable } from '@nestjs/common';
import { Metrics } from '@forewarn/service-kit';
import type { Request } from 'express';
import { RejectionsFilter } from '../ingest/rejections.filter';
import { isDeliveryKind } from '@forewarn/ingest';

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

/** Counts a refused delivery of a known kind as `rejected`, besides what RejectionsFilter counts and answers. */
@Catch()
@Injectable()
export class WebhookRejectionsFilter extends RejectionsFilter {
  constructor(metrics: Metrics, private readonly outcomes: WebhookOutcomes) {
    super(metrics);
  }

  override catch(caught: unknown, host: ArgumentsHost): void {
    const { kind } = host.switchToHttp().getRequest<Request<{ kind?: string }>>().params;
    if (kind !== undefined && isDeliveryKind(kind)) this.outcomes.count(kind, 'rejected');
    super.catch(caught, host);
  }
}
