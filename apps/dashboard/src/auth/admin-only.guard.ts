import { type CanActivate, type ExecutionContext, Injectable, NotFoundException } from '@nestjs/common';
import type { AuthedRequest } from '../common/authed-request';

/**
 * For admins only; for anyone else the page does not exist (404, not 403: it does not say there is
 * something to be refused). Runs after PageAuthGuard or ApiAuthGuard, which know the user.
 */
@Injectable()
export class AdminOnlyOrNotFound implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.switchToHttp().getRequest<AuthedRequest>().user?.role !== 'admin') throw new NotFoundException();
    return true;
  }
}
