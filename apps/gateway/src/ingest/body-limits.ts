import { type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { GatewayConfig } from '@forewarn/config';
import { GATEWAY_CONFIG } from '../gateway.config';

/** Which body limit a controller's routes have: `events` (batches) or `webhooks` (single deliveries). */
export const BodyLimit = Reflector.createDecorator<'events' | 'webhooks'>();

/** The largest body each kind of ingest route reads, in bytes. */
@Injectable()
export class BodyLimits {
  /** `/v1/events`: a batch of events (GATEWAY_MAX_BODY_BYTES). */
  readonly events: number;
  /** Webhooks are single deliveries: a smaller limit than batches, never a larger one. */
  readonly webhooks: number;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig, private readonly reflector: Reflector) {
    this.events = config.GATEWAY_MAX_BODY_BYTES;
    this.webhooks = Math.min(config.GATEWAY_WEBHOOK_MAX_BODY_BYTES, config.GATEWAY_MAX_BODY_BYTES);
  }

  /** The limit of the route being handled, as its controller's `@BodyLimit(…)` says. */
  of(context: ExecutionContext): number {
    const kind = this.reflector.getAllAndOverride(BodyLimit, [context.getHandler(), context.getClass()]);
    if (!kind) throw new Error(`${context.getClass().name} has no @BodyLimit`);
    return this[kind];
  }
}
