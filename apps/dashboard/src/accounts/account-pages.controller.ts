import { Controller, Get, Param, Query, Req, Res, UseGuards } from '@nestjs/common';
import { Problem } from '@forewarn/service-kit';
import type { Response } from 'express';
import { PageAuthGuard } from '../auth/auth.guard';
import type { AuthedRequest } from '../common/authed-request';
import type { RawParam } from '../common/query-params';
import { PageContexts } from '../web/page-context';
import { sendPage } from '../web/send-page';
import { parseAccountFilters, parseAccountPage } from './account-filters';
import { accountPage } from './account.page';
import { AccountsService, HISTORY_DAYS, HISTORY_PERIODS } from './accounts.service';
import { overviewPage } from './overview.page';

/** The overview and the account page. */
@Controller()
@UseGuards(PageAuthGuard)
export class AccountPagesController {
  constructor(private readonly accounts: AccountsService, private readonly pages: PageContexts) {}

  @Get()
  async overview(@Req() request: AuthedRequest, @Res() response: Response, @Query() query: Record<string, RawParam>): Promise<void> {
    const ctx = this.pages.of(request);
    const filters = parseAccountFilters(query, ctx.user);
    const page = parseAccountPage(query);
    const [list, options] = await Promise.all([this.accounts.page(ctx.user, filters, page, ctx.now), this.accounts.filterOptions(ctx.user)]);
    sendPage(response, overviewPage({ ...list, page, filters, options }, ctx));
  }

  @Get('accounts/:id')
  async account(@Req() request: AuthedRequest, @Res() response: Response, @Param('id') id: string, @Query('done') done?: string, @Query('days') days?: string): Promise<void> {
    const ctx = this.pages.of(request);
    const historyDays = HISTORY_PERIODS.find((d) => String(d) === days) ?? HISTORY_DAYS;
    const detail = await this.accounts.detail(ctx.user, id, ctx.now, historyDays);
    if (!detail) throw new Problem(404, 'Not Found', 'There is no account at this address that you can see. It may belong to another team.');
    sendPage(response, accountPage(detail, ctx, historyDays, typeof done === 'string' ? done : null));
  }
}
