import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { DashboardConfig } from '@forewarn/config';
import type { User } from '@forewarn/database';
import { Problem } from '@forewarn/service-kit';
import type { Request } from 'express';
import type { AuthedRequest } from '../common/authed-request';
import { DASHBOARD_CONFIG } from '../common/dashboard.config';
import { LoginRequired } from '../web/login-required';
import { AuthService } from './auth.service';
import { isSameOrigin } from './same-origin';
import { SESSION_COOKIE } from './session-cookie';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The address a request came from, for counting failed sign-ins: the connecting peer. Behind a
 * reverse proxy every client shares the proxy's address (forwarded headers are not trusted, since
 * anyone can send them), so there the per-account count is the one that bites.
 */
export const clientAddress = (request: Request): string => request.socket?.remoteAddress ?? request.ip ?? 'unknown';

@Injectable()
export class Authenticator {
  constructor(private readonly auth: AuthService, @Inject(DASHBOARD_CONFIG) private readonly config: DashboardConfig) {}

  /** Resolves the user from `Authorization: Bearer` or the session cookie and stores it on the request. */
  async identify(request: AuthedRequest): Promise<User | null> {
    if (request.user) return request.user;
    const header = request.headers.authorization ?? '';
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
    if (bearer) {
      const user = await this.auth.userForToken(bearer);
      if (user) Object.assign(request, { user, authVia: 'token' });
      return user;
    }
    const sessionId = (request.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    if (typeof sessionId === 'string' && sessionId) {
      const user = await this.auth.userForSession(sessionId);
      if (user) Object.assign(request, { user, authVia: 'session' });
      return user;
    }
    return null;
  }

  /** A change made with the session cookie must come from our own pages. */
  crossSiteChange(request: AuthedRequest): boolean {
    if (SAFE_METHODS.has(request.method) || request.authVia !== 'session') return false;
    return !isSameOrigin({ origin: request.headers.origin, referer: request.headers.referer, host: request.headers.host }, this.config.PUBLIC_URL);
  }
}

/** `/api/*`: 401 problem+json without valid credentials, 403 for a cross-site change. */
@Injectable()
export class ApiAuthGuard implements CanActivate {
  constructor(private readonly authenticator: Authenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const user = await this.authenticator.identify(request);
    if (!user) {
      const hadCredentials = !!request.headers.authorization || !!(request.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
      throw new Problem(401, 'Unauthorized', hadCredentials
        ? 'The token or session is not valid (any more). Sign in again or use a current API token.'
        : 'Sign in, or send an API token as "Authorization: Bearer <token>".', { headers: { 'WWW-Authenticate': 'Bearer realm="forewarn"' } });
    }
    if (this.authenticator.crossSiteChange(request)) throw new Problem(403, 'Forbidden', 'This change did not come from a Forewarn page (Origin or Referer missing or foreign).');
    return true;
  }
}

/** Web pages: the login page for anyone not signed in, then back to where they were going. */
@Injectable()
export class PageAuthGuard implements CanActivate {
  constructor(private readonly authenticator: Authenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const user = await this.authenticator.identify(request);
    if (!user) throw new LoginRequired(request.originalUrl || '/');
    if (this.authenticator.crossSiteChange(request)) throw new Problem(403, 'Forbidden', 'This change did not come from a Forewarn page.');
    return true;
  }
}
