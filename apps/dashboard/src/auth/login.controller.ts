import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import type { DashboardConfig } from '@forewarn/config';
import type { Response } from 'express';
import { DASHBOARD_CONFIG } from '../dashboard.config';
import { validTimeZone } from '../web/format';
import { queryString } from '../web/html';
import { loginPage } from '../web/pages/login.page';
import { sendPage } from '../web/send-page';
import { type AuthedRequest, Authenticator } from './auth.guard';
import { AuthService } from './auth.service';
import { isSameOrigin } from './same-origin';
import { SESSION_COOKIE, safeNextPath, sessionCookieOptions, TIME_ZONE_COOKIE } from './session-cookie';

const YEAR_MS = 365 * 24 * 3600 * 1000;
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Sign in with e-mail and password (a session cookie), sign out. */
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
    const next = safeNextPath(body?.next);
    const email = str(body?.email).trim().slice(0, 320);
    const password = str(body?.password);
    const back = (error: string) => response.redirect(303, `/login${queryString({ error, next: next === '/' ? null : next, email: email || null })}`);
    if (request.headers.origin && !this.sameOrigin(request)) return back('origin');
    if (!email || !password) return back('missing');
    const session = await this.auth.signIn(email, password.slice(0, 1000));
    if (!session) return back('invalid');
    response.cookie(SESSION_COOKIE, session.sessionId, sessionCookieOptions(this.config.PUBLIC_URL, session.expiresAt));
    const tz = str(body?.tz);
    if (tz && validTimeZone(tz) === tz) response.cookie(TIME_ZONE_COOKIE, tz, { sameSite: 'lax', path: '/', maxAge: YEAR_MS, secure: this.config.PUBLIC_URL.startsWith('https:') });
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

  private sameOrigin(request: AuthedRequest): boolean {
    return isSameOrigin({ origin: request.headers.origin, referer: request.headers.referer, host: request.headers.host }, this.config.PUBLIC_URL);
  }
}
