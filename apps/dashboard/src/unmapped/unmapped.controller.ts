import { Body, Controller, Get, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { UnmappedGroup, User } from '@forewarn/database';
import { Problem } from '@forewarn/service-kit';
import type { Response } from 'express';
import { ApiAuthGuard, PageAuthGuard } from '../auth/auth.guard';
import { CurrentUser } from '../auth/current-user.decorator';
import { AccountAccess } from '../auth/account-access';
import type { AuthedRequest } from '../common/authed-request';
import { PageContexts } from '../web/page-context';
import { sendPage } from '../web/send-page';
import { unmappedPage } from './unmapped.page';
import { UnmappedMapping } from './unmapped.service';

export const mayReadUnmapped = (user: User): boolean => user.role === 'admin' || user.role === 'lead';
const forLeadsAndAdmins = () => new Problem(403, 'Forbidden', 'Only sales leads and admins see unmapped events.');

@Controller('api/unmapped')
@UseGuards(ApiAuthGuard)
export class UnmappedController {
  constructor(private readonly unmapped: UnmappedMapping) {}

  /** Events whose account is not known yet, grouped by how they name it; for leads and admins. */
  @Get()
  groups(@CurrentUser() user: User): Promise<UnmappedGroup[]> {
    if (!mayReadUnmapped(user)) throw forLeadsAndAdmins();
    return this.unmapped.groups();
  }
}

@Controller('unmapped')
@UseGuards(PageAuthGuard)
export class UnmappedPageController {
  constructor(private readonly unmapped: UnmappedMapping, private readonly pages: PageContexts, private readonly access: AccountAccess) {}

  @Get()
  async groups(@Req() request: AuthedRequest, @Res() response: Response, @Query('mapped') mapped?: string): Promise<void> {
    const ctx = this.pages.of(request);
    if (!mayReadUnmapped(ctx.user)) throw forLeadsAndAdmins();
    const message = typeof mapped === 'string' && mapped ? { text: `Mapped to ${mapped.slice(0, 200)}: its events are claimed and the account rescored within seconds.` } : null;
    await this.show(request, response, message);
  }

  /** "Map to account": the form of each group. */
  @Post('map')
  async map(@Req() request: AuthedRequest, @Res() response: Response, @Body() body: Record<string, unknown>): Promise<void> {
    const ctx = this.pages.of(request);
    if (!mayReadUnmapped(ctx.user)) throw forLeadsAndAdmins();
    const key = typeof body?.group === 'string' ? body.group : '';
    const accountId = typeof body?.accountId === 'string' ? body.accountId.trim() : '';
    const outcome = await this.unmapped.map(ctx.user, key, accountId);
    if (!outcome.ok) return this.show(request, response, { text: outcome.problem, error: true }, 400);
    response.redirect(303, `/unmapped?mapped=${encodeURIComponent(outcome.account.name)}`);
  }

  private async show(request: AuthedRequest, response: Response, message: { text: string; error?: boolean } | null, status = 200): Promise<void> {
    const ctx = this.pages.of(request);
    const [groups, accounts] = await Promise.all([this.unmapped.groups(), this.access.visibleAccounts(ctx.user)]);
    sendPage(response, unmappedPage(groups, accounts, ctx, message), status);
  }
}
