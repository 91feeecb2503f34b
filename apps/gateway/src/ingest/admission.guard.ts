import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { BodyLimits } from './body-limits';
import { ClientRateLimiter } from './limits/client-rate-limiter';
import { refuseOversizedBody } from './request-body';

/**
 * The first refusals on every ingest route, before anyone is authenticated or anything read: the
 * client address over its rate (429), then a declared Content-Length over the route's limit (413).
 * A guard rather than middleware: it runs first in the route's guard chain, and what it refuses
 * reaches the route's exception filter, which counts every rejection (RejectionsFilter).
 */
@Injectable()
export class AdmissionGuard implements CanActivate {
  constructor(private readonly clients: ClientRateLimiter, private readonly limits: BodyLimits) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    this.clients.check(request);
    refuseOversizedBody(request, this.limits.of(context));
    return true;
  }
}
