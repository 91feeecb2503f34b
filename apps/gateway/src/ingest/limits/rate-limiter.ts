import { Inject, Injectable } from '@nestjs/common';
import type { GatewayConfig } from '@forewarn/config';
import { Problem } from '@forewarn/service-kit';
import { GATEWAY_CONFIG } from '../../gateway.config';
import { RateLimits } from './token-bucket';

/**
 * Per-source request rate limit (GATEWAY_RATE_LIMIT_PER_SECOND, GATEWAY_RATE_LIMIT_BURST). The
 * gateway is stateless, so each instance limits on its own: N instances allow N times the rate.
 */
@Injectable()
export class RateLimiter {
  private readonly limits: RateLimits;
  readonly ratePerSecond: number;
  readonly burst: number;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.ratePerSecond = config.GATEWAY_RATE_LIMIT_PER_SECOND;
    this.burst = config.GATEWAY_RATE_LIMIT_BURST ?? Math.max(1, Math.ceil(this.ratePerSecond * 2));
    this.limits = new RateLimits(this.ratePerSecond, this.burst);
  }

  /** Throws a 429 problem with Retry-After when the source is over its rate. */
  check(sourceName: string): void {
    const result = this.limits.take(sourceName);
    if (result.ok) return;
    throw new Problem(429, 'Too Many Requests', `Source "${sourceName}" is over its rate limit of ${this.ratePerSecond} requests per second (burst ${this.burst}); retry after ${result.retryAfterSeconds} s. Nothing was accepted.`, {
      headers: { 'Retry-After': String(result.retryAfterSeconds) },
    });
  }
}
