import { Body, Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { DashboardConfig } from '@forewarn/config';
import { MAX_PASSWORD_LENGTH, passwordProblem } from '@forewarn/database';
import type { Response } from 'express';
import type { AuthedRequest } from '../common/authed-request';
import { DASHBOARD_CONFIG } from '../common/dashboard.config';
import { validTimeZone } from '../web/format';
import { TIME_ZONE_COOKIE } from '../web/page-context';
import { sendPage } from '../web/send-page';
import { clientAddress } from './auth.guard';
import { tooManyAttempts } from './login.controller';
import { isSameOrigin } from './same-origin';
import { SESSION_COOKIE, sessionCookieOptions } from './session-cookie';
import { SignInLinks } from './sign-in-link.service';
import { acceptInvitePage, confirmLinkSignInPage, deadLinkPage, linkRequestPage, linkSentPage } from './sign-in-link.pages';

const YEAR_MS = 365 * 24 * 3600 * 1000;
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Sign-in by a link mailed to the address (`/login/link`), and accepting an invitation (`/invite/:token`). */
@Controller()
export class SignInLinkController {
  constructor(private readonly links: SignInLinks, @Inject(DASHBOARD_CONFIG) private readonly config: DashboardConfig) {}

  @Get('login/link')
  ask(@Res() response: Response): void {
    sendPage(response, linkRequestPage());
  }

  @Post('login/link')
  async request(@Req() request: AuthedRequest, @Res() response: Response, @Body() body: Record<string, unknown> | undefined): Promise<void> {
    const email = str(body?.email).trim().slice(0, 320);
    if (request.headers.origin && !this.sameOrigin(request)) return sendPage(response, linkRequestPage({ email, notice: 'The form came from another site, so it was refused.' }), 403);
    if (!email.includes('@')) return sendPage(response, linkRequestPage({ email, notice: 'Enter your e-mail address.' }), 400);
    const result = await this.links.request(email, clientAddress(request));
    if (!result.ok) {
      const { seconds, message } = tooManyAttempts(result.retryAfterMs);
      response.setHeader('Retry-After', String(seconds));
      return sendPage(response, linkRequestPage({ email, notice: message }), 429);
    }
    sendPage(response, linkSentPage());
  }

  @Get('login/link/:token')
  async confirm(@Param('token') token: string, @Res() response: Response): Promise<void> {
    const email = await this.links.usable(token, 'sign-in');
    if (!email) return sendPage(response, deadLinkPage('sign-in'), 410);
    sendPage(response, confirmLinkSignInPage(token, email));
  }

  @Post('login/link/:token')
  async signIn(@Param('token') token: string, @Req() request: AuthedRequest, @Res() response: Response, @Body() body: Record<string, unknown> | undefined): Promise<void> {
    if (!this.sameOrigin(request)) return sendPage(response, deadLinkPage('sign-in'), 403);
    const result = await this.links.signIn(token);
    if (!result.ok) return sendPage(response, deadLinkPage('sign-in'), 410);
    this.setCookies(response, result.sessionId, result.expiresAt, str(body?.tz));
    response.redirect(303, '/');
  }

  @Get('invite/:token')
  async invitation(@Param('token') token: string, @Res() response: Response): Promise<void> {
    const email = await this.links.usable(token, 'invite');
    if (!email) return sendPage(response, deadLinkPage('invite'), 410);
    sendPage(response, acceptInvitePage(token, email));
  }

  @Post('invite/:token')
  async accept(@Param('token') token: string, @Req() request: AuthedRequest, @Res() response: Response, @Body() body: Record<string, unknown> | undefined): Promise<void> {
    if (!this.sameOrigin(request)) return sendPage(response, deadLinkPage('invite'), 403);
    const email = await this.links.usable(token, 'invite');
    if (!email) return sendPage(response, deadLinkPage('invite'), 410);
    const password = str(body?.password);
    const problem = str(body?.repeat) !== password ? 'The two passwords are not the same.' : passwordProblem(password) ? `The password ${passwordProblem(password)}.` : null;
    if (problem) return sendPage(response, acceptInvitePage(token, email, problem), 400);
    const result = await this.links.accept(token, password.slice(0, MAX_PASSWORD_LENGTH));
    if (!result.ok) return sendPage(response, deadLinkPage('invite'), 410);
    this.setCookies(response, result.sessionId, result.expiresAt, str(body?.tz));
    response.redirect(303, '/');
  }

  private setCookies(response: Response, sessionId: string, expiresAt: Date, tz: string): void {
    response.cookie(SESSION_COOKIE, sessionId, sessionCookieOptions(this.config.PUBLIC_URL, expiresAt));
    if (tz && validTimeZone(tz) === tz) response.cookie(TIME_ZONE_COOKIE, tz, { sameSite: 'lax', path: '/', maxAge: YEAR_MS, secure: this.config.PUBLIC_URL.startsWith('https:') });
  }

  private sameOrigin(request: AuthedRequest): boolean {
    return isSameOrigin({ origin: request.headers.origin, referer: request.headers.referer, host: request.headers.host }, this.config.PUBLIC_URL);
  }
}
