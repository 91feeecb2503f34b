import { Inject, Injectable } from '@nestjs/common';
import type { GatewayConfig } from '@forewarn/config';
import { Problem } from '@forewarn/service-kit';
import type { Request } from 'express';
import { GATEWAY_CONFIG } from '../../gateway.config';
import { RateLimits } from './token-bucket';

/**
 * Who a request comes from, for the per-client limit: the IPv4 address, or the /64 network of an
 * IPv6 address (one host usually has a whole /64 to pick addresses from). The address is the
 * socket's peer unless GATEWAY_TRUST_PROXY names the proxies whose X-Forwarded-For Express believes.
 */
export function clientKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const plain = address.split('%')[0].toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(plain);
  if (mapped) return mapped[1];
  if (!plain.includes(':')) return plain;
  const [head, tail] = plain.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/**
 * The first refusal, before authentication or any body is read: a token bucket per client
 * address (GATEWAY_CLIENT_RATE_LIMIT_PER_SECOND, GATEWAY_CLIENT_RATE_LIMIT_BURST). By default the
 * larger of 200 per second and four times the per-source rate, since one address may carry several
 * sources; per gateway instance, like the per-source limit.
 */
@Injectable()
export class ClientRateLimiter {
  private readonly limits: RateLimits;
  readonly ratePerSecond: number;
  readonly burst: number;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.ratePerSecond = config.GATEWAY_CLIENT_RATE_LIMIT_PER_SECOND ?? Math.max(200, 4 * config.GATEWAY_RATE_LIMIT_PER_SECOND);
    this.burst = config.GATEWAY_CLIENT_RATE_LIMIT_BURST ?? Math.max(1, Math.ceil(this.ratePerSecond * 2));
    this.limits = new RateLimits(this.ratePerSecond, this.burst);
  }

  /** Throws a 429 problem with Retry-After when the request's client address is over its rate. */
  check(request: Request): void {
    const client = clientKey(request.ip ?? request.socket.remoteAddress);
    const result = this.limits.take(client);
    if (result.ok) return;
    throw new Problem(429, 'Too Many Requests', `Too many requests from ${client}: over ${this.ratePerSecond} per second (burst ${this.burst}); retry after ${result.retryAfterSeconds} s. Nothing was accepted.`, {
      headers: { 'Retry-After': String(result.retryAfterSeconds) },
    });
  }
}
