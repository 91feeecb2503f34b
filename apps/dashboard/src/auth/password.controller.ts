import { Body, Controller, Get, HttpCode, Put, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { passwordProblem, type User } from '@forewarn/database';
import { type FieldProblem, Problem } from '@forewarn/service-kit';
import type { Response } from 'express';
import type { AuthedRequest } from '../common/authed-request';
import { PageContexts } from '../web/page-context';
import { sendPage } from '../web/send-page';
import { ApiAuthGuard, clientAddress, PageAuthGuard } from './auth.guard';
import { AuthService, type PasswordChangeResult } from './auth.service';
import { CurrentUser } from './current-user.decorator';
import { tooManyAttempts } from './login.controller';
import { passwordPage } from './password.page';
import { SESSION_COOKIE } from './session-cookie';

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** What is wrong with a password change request, field by field. */
export function passwordChangeProblems(input: { currentPassword: unknown; newPassword: unknown; repeatPassword?: unknown }): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const current = str(input.currentPassword);
  const next = str(input.newPassword);
  if (!current) problems.push({ field: 'currentPassword', message: 'is required' });
  const nextProblem = typeof input.newPassword === 'string' ? passwordProblem(next) : 'is required';
  if (nextProblem) problems.push({ field: 'newPassword', message: nextProblem });
  else if (next === current) problems.push({ field: 'newPassword', message: 'must differ from the current password' });
  if (input.repeatPassword !== undefined && str(input.repeatPassword) !== next) problems.push({ field: 'repeatPassword', message: 'does not match the new password' });
  return problems;
}

const WRONG_CURRENT: FieldProblem = { field: 'currentPassword', message: 'is not your current password' };

function sessionOf(request: AuthedRequest): string | null {
  if (request.authVia !== 'session') return null;
  return (request.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE] ?? null;
}

async function change(auth: AuthService, user: User, request: AuthedRequest, body: Record<string, unknown> | undefined, via: 'page' | 'api'): Promise<PasswordChangeResult> {
  return auth.changePassword(user, str(body?.currentPassword), str(body?.newPassword), { address: clientAddress(request), sessionId: sessionOf(request), via });
}

/** The "Change password" page: a same-origin form post, like the other forms. */
@Controller('password')
@UseGuards(PageAuthGuard)
export class PasswordPageController {
  constructor(private readonly auth: AuthService, private readonly pages: PageContexts) {}

  @Get()
  show(@Req() request: AuthedRequest, @Res() response: Response, @Query('changed') changed?: string): void {
    const ended = Number(changed);
    sendPage(response, passwordPage(this.pages.of(request), changed !== undefined && Number.isInteger(ended) && ended >= 0 ? { changed: { sessionsEnded: ended } } : {}));
  }

  @Post()
  async save(@CurrentUser() user: User, @Req() request: AuthedRequest, @Res() response: Response, @Body() body: Record<string, unknown> | undefined): Promise<void> {
    const ctx = this.pages.of(request);
    const errors = passwordChangeProblems({ currentPassword: body?.currentPassword, newPassword: body?.newPassword, repeatPassword: body?.repeatPassword ?? '' });
    if (errors.length) return sendPage(response, passwordPage(ctx, { errors }), 400);
    const result = await change(this.auth, user, request, body, 'page');
    if (result.ok) return response.redirect(303, `/password?changed=${result.sessionsEnded}`);
    if (result.reason === 'wrong-current') return sendPage(response, passwordPage(ctx, { errors: [WRONG_CURRENT] }), 400);
    const { seconds, message } = tooManyAttempts(result.retryAfterMs);
    response.setHeader('Retry-After', String(seconds));
    sendPage(response, passwordPage(ctx, { notice: message }), 429);
  }
}

/** `PUT /api/me/password` `{ "currentPassword", "newPassword" }`. */
@Controller('api/me')
@UseGuards(ApiAuthGuard)
export class PasswordApiController {
  constructor(private readonly auth: AuthService) {}

  @Put('password')
  @HttpCode(200)
  async change(@CurrentUser() user: User, @Req() request: AuthedRequest, @Body() body: Record<string, unknown> | undefined) {
    const errors = passwordChangeProblems({ currentPassword: body?.currentPassword, newPassword: body?.newPassword });
    if (errors.length) throw new Problem(400, 'Bad Request', errors.map((e) => `${e.field} ${e.message}`).join('; ') + '.', { errors });
    const result = await change(this.auth, user, request, body, 'api');
    if (result.ok) return { email: user.email, passwordChanged: true, sessionsEnded: result.sessionsEnded };
    if (result.reason === 'wrong-current') throw new Problem(400, 'Bad Request', 'currentPassword is not your current password.', { errors: [WRONG_CURRENT] });
    const { seconds, message } = tooManyAttempts(result.retryAfterMs);
    throw new Problem(429, 'Too Many Requests', message, { retryAfter: seconds, headers: { 'Retry-After': String(seconds) } });
  }
}
