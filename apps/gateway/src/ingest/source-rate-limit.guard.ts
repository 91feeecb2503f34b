import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { type IngestRequest, sourceOf } from './ingest-request';
import { RateLimiter } from './limits/rate-limiter';

/** The authenticated source over its rate: 429 with Retry-After. After the route's authentication guard. */
@Injectable()
export class SourceRateLimitGuard implements CanActivate {
  constructor(private readonly limiter: RateLimiter) {}

  canActivate(context: ExecutionContext): boolean {
    this.limiter.check(sourceOf(context.switchToHttp().getRequest<IngestRequest>()).name);
    return true;
  }
}
