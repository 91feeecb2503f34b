import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { User } from '@forewarn/database';
import type { AuthedRequest } from '../common/authed-request';

/** The signed-in user; only on routes behind ApiAuthGuard or PageAuthGuard. */
export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): User => {
  const user = context.switchToHttp().getRequest<AuthedRequest>().user;
  if (!user) throw new Error('CurrentUser used on a route without an auth guard');
  return user;
});
