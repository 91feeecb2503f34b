import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import type { DashboardConfig } from '@forewarn/config';
import { MAX_PASSWORD_LENGTH, retryAfterSeconds } from '@forewarn/database';
import { Problem } from '@forewarn/service-kit';
import type { Response } from 'express';
import type { AuthedRequest } from '../common/authed-request';
import { DASHBOARD_CONFIG } from '../common/dashboard.config';
import { validTimeZone, waitInWords } from '../web/format';
import { queryString } from '../web/html';
import { TIME_ZONE_COOKIE } from '../web/page-context';
import { sendPage } from '../web/send-page';
import { Authenticator, clientAddress } from './auth.guard';
import { AuthService } from './auth.service';
import { loginPage } from './login.page';
import { isSameOrigin } from './same-origin';
import { SESSION_COOKIE, safeNextPath, sessionCookieOptions } from './session-cookie';

const YEAR_MS = 365 * 24 * 3600 * 1000;
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The answer to too many failed sign-ins, for people and for programs. */
export const tooManyAttempts = (retryAfterMs: number) => {
  const seconds = retryAfterSeconds(retryAfterMs);
  return { seconds, message: `Too many attempts. Try again in ${waitInWords(seconds)}.` };
};

/**
 * Sign in with e-mail and password (a session cookie), sign out. The form posts and is answered
 * with pages; a JSON body (`{ "email", "password" }`) is answered with JSON and problem+json.
 */
@Controller()
export class LoginController {
  constructor(
    private readonly auth: AuthService,
    private readonly authenticator: Authenticator,
    @Inject(DASHBOARD_CONFIG) private readonly config: DashboardConfig,
  ) {}

  @Get('login')
  async form(@Req() request: AuthedRequest, @Res() response: Response, @Query() query: Record<string, unknown>): Promise<void> {
    const next = safeNextPath(query.next);
    if (!query.error && (await this.authenticator.identify(request))) return response.redirect(303, next);
    sendPage(response, loginPage({ next, error: str(query.error) || null, email: str(query.email).slice(0, 320) || null, signedOut: query.signedout === '1' }));
  }

  @Post('login')
  @HttpCode(303)
  async signIn(@Req() request: AuthedRequest, @Res() response: Response, @Body() body: Record<string, unknown> | undefined): Promise<void> {
    if (request.is('application/json')) return this.signInJson(request, response, body);
    const next = safeNextPath(body?.next);
    const email = str(body?.email).trim().slice(0, 320);
    const password = str(body?.password);
    const back = (error: string) => response.redirect(303, `/login${queryString({ error, next: next === '/' ? null : next, email: email || null })}`);
    if (request.headers.origin && !this.sameOrigin(request)) return back('origin');
    if (!email || !password) return back('missing');
    const result = await this.auth.signIn(email, password.slice(0, MAX_PASSWORD_LENGTH), clientAddress(request));
    if (!result.ok && result.reason === 'throttled') {
      const { seconds, message } = tooManyAttempts(result.retryAfterMs);
      response.setHeader('Retry-After', String(seconds));
      return sendPage(response, loginPage({ next, error: null, email, signedOut: false, notice: message }), 429);
    }
    if (!result.ok) return back('invalid');
    this.setCookies(response, result.sessionId, result.expiresAt, str(body?.tz));
    response.redirect(303, next);
  }

  @Post('logout')
  @HttpCode(303)
  async signOut(@Req() request: AuthedRequest, @Res() response: Response): Promise<void> {
    if (!this.sameOrigin(request)) return response.redirect(303, '/');
    const sessionId = (request.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    if (sessionId) await this.auth.signOut(sessionId);
    response.clearCookie(SESSION_COOKIE, sessionCookieOptions(this.config.PUBLIC_URL));
    response.redirect(303, '/login?signedout=1');
  }

  private async signInJson(request: AuthedRequest, response: Response, body: Record<string, unknown> | undefined): Promise<void> {
    if (request.headers.origin && !this.sameOrigin(request)) throw new Problem(403, 'Forbidden', 'This sign-in came from another site.');
    const email = str(body?.email).trim();
    const password = str(body?.password);
    const missing = [!email || email.length > 320 ? 'email' : null, !password ? 'password' : null].filter((f): f is string => !!f);
    if (missing.length) {
      throw new Problem(400, 'Bad Request', `Send ${missing.join(' and ')} as JSON strings.`, { errors: missing.map((field) => ({ field, message: field === 'email' ? 'must be an e-mail address' : 'is required' })) });
    }
    const result = await this.auth.signIn(email, password.slice(0, MAX_PASSWORD_LENGTH), clientAddress(request));
    if (!result.ok && result.reason === 'throttled') {
      const { seconds, message } = tooManyAttempts(result.retryAfterMs);
      throw new Problem(429, 'Too Many Requests', message, { retryAfter: seconds, headers: { 'Retry-After': String(seconds) } });
    }
    if (!result.ok) throw new Problem(401, 'Unauthorized', 'That e-mail address and password do not match.');
    this.setCookies(response, result.sessionId, result.expiresAt, str(body?.tz));
    response.status(200).json({ email: result.user.email, name: result.user.name, role: result.user.role, team: result.user.team, expiresAt: result.expiresAt.toISOString() });
  }

  private setCookies(response: Response, sessionId: string, expiresAt: Date, tz: string): void {
    response.cookie(SESSION_COOKIE, sessionId, sessionCookieOptions(this.config.PUBLIC_URL, expiresAt));
    if (tz && validTimeZone(tz) === tz) response.cookie(TIME_ZONE_COOKIE, tz, { sameSite: 'lax', path: '/', maxAge: YEAR_MS, secure: this.config.PUBLIC_URL.startsWith('https:') });
  }

  private sameOrigin(request: AuthedRequest): boolean {
    return isSameOrigin({ origin: request.headers.origin, referer: request.headers.referer, host: request.headers.host }, this.config.PUBLIC_URL);
  }
}
