import { Body, Controller, Get, HttpCode, Inject, Patch, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { DashboardConfig } from '@forewarn/config';
import type { User } from '@forewarn/database';
import { Problem } from '@forewarn/service-kit';
import type { Response } from 'express';
import { ApiAuthGuard, PageAuthGuard } from '../auth/auth.guard';
import { CurrentUser } from '../auth/current-user.decorator';
import type { AuthedRequest } from '../common/authed-request';
import { DASHBOARD_CONFIG } from '../common/dashboard.config';
import { FeedbackPublisher } from '../feedback/feedback.publisher';
import { PageContexts } from '../web/page-context';
import { sendPage } from '../web/send-page';
import { chatAddressProblem, chatUrlField, type FieldError, parsePreferences } from './preferences-form';
import { preferencesPage } from './preferences.page';
import { PreferencesReadModel } from './preferences.read-model';
import { missingPreferences, patchPreferences } from './preferences-request';

/** Where chat webhooks may point: public hosts, over https (plain http outside production), or hosts the operator allowed. */
const outboundPolicy = (config: DashboardConfig) => ({ allowPlainHttp: config.NODE_ENV !== 'production', allowHosts: config.FOREWARN_OUTBOUND_ALLOW_HOSTS });

const invalidPreferences = (errors: FieldError[]) =>
  new Problem(400, 'Bad Request', `Invalid preferences: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}.`, { errors });

/** Someone's own notification preferences, from the API; saved by the notifier, which hears of them as events. */
@Controller('api')
@UseGuards(ApiAuthGuard)
export class PreferencesApiController {
  constructor(
    private readonly query: PreferencesReadModel,
    private readonly publisher: FeedbackPublisher,
    @Inject(DASHBOARD_CONFIG) private readonly config: DashboardConfig,
  ) {}

  @Get('me/preferences')
  async preferences(@CurrentUser() user: User) {
    return this.query.preferences(user.email);
  }

  /** Replaces every preference: each must be given (`null` clears one). */
  @Put('me/preferences')
  @HttpCode(202)
  async savePreferences(@CurrentUser() user: User, @Body() body: Record<string, unknown> | undefined) {
    const missing = missingPreferences(body ?? {});
    if (missing.length) throw invalidPreferences(missing);
    const value = await this.validPreferences(body ?? {});
    await this.publisher.preferences({ email: user.email, ...value });
    return { email: user.email, ...value };
  }

  /** Changes only the preferences it names; the others stay as the notifier has them. */
  @Patch('me/preferences')
  @HttpCode(202)
  async changePreferences(@CurrentUser() user: User, @Body() body: Record<string, unknown> | undefined) {
    const patched = patchPreferences(await this.query.preferences(user.email), body ?? {});
    if (!patched.ok) throw invalidPreferences(patched.errors);
    const value = await this.validPreferences(patched.body);
    await this.publisher.preferences({ email: user.email, ...value });
    return { email: user.email, ...value };
  }

  /** Parsed preferences whose chat address (if any) is on the public internet; 400 naming each bad field otherwise. */
  private async validPreferences(body: Record<string, unknown>) {
    const parsed = parsePreferences(body, { outbound: outboundPolicy(this.config) });
    if (!parsed.ok) throw invalidPreferences(parsed.errors);
    const problem = await chatAddressProblem(parsed.value.chat, chatUrlField(body), outboundPolicy(this.config));
    if (problem) throw invalidPreferences([problem]);
    return parsed.value;
  }
}

/** The preferences page. */
@Controller('preferences')
@UseGuards(PageAuthGuard)
export class PreferencesPageController {
  constructor(
    private readonly query: PreferencesReadModel,
    private readonly publisher: FeedbackPublisher,
    private readonly pages: PageContexts,
    @Inject(DASHBOARD_CONFIG) private readonly config: DashboardConfig,
  ) {}

  @Get()
  async show(@Req() request: AuthedRequest, @Res() response: Response, @Query('saved') saved?: string): Promise<void> {
    const ctx = this.pages.of(request);
    sendPage(response, preferencesPage(await this.query.preferences(ctx.user.email), ctx, { saved: saved === '1' }));
  }

  @Post()
  async save(@Req() request: AuthedRequest, @Res() response: Response, @Body() body: Record<string, unknown>): Promise<void> {
    const ctx = this.pages.of(request);
    const parsed = parsePreferences(body ?? {}, { outbound: outboundPolicy(this.config) });
    const problem = parsed.ok ? await chatAddressProblem(parsed.value.chat, chatUrlField(body ?? {}), outboundPolicy(this.config)) : null;
    if (!parsed.ok || problem) {
      const current = await this.query.preferences(ctx.user.email);
      sendPage(response, preferencesPage({ ...current, mode: body.mode === 'digest' ? 'digest' : 'immediate', timeZone: String(body.timeZone ?? '') || null }, ctx, { errors: parsed.ok ? [problem as FieldError] : parsed.errors }), 400);
      return;
    }
    await this.publisher.preferences({ email: ctx.user.email, ...parsed.value });
    response.redirect(303, '/preferences?saved=1');
  }
}
