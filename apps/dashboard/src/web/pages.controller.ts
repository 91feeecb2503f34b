import { Controller, Get, Param, Query, Req, Res, UseGuards } from '@nestjs/common';
import { Problem } from '@forewarn/service-kit';
import type { Response } from 'express';
import { parseAccountFilters, parseAccountPage } from '../accounts/account-filters';
import { AccountsService, HISTORY_DAYS } from '../accounts/accounts.service';
import { type AuthedRequest, PageAuthGuard } from '../auth/auth.guard';
import type { RawParam } from '../common/query-params';
import { DevMailClient } from '../dev-mail/dev-mail.client';
import { meetingStates, parseMeetingOptions } from '../meetings/meetings.controller';
import { MeetingsReadModel } from '../meetings/meetings.read-model';
import { mayReadUnmapped } from '../unmapped/unmapped.controller';
import { UnmappedReadModel } from '../unmapped/unmapped.read-model';
import type { PageContext } from './layout';
import { pageContext } from './page-context';
import { accountPage } from './pages/account.page';
import { meetingsPage } from './pages/meetings.page';
import { overviewPage } from './pages/overview.page';
import { unmappedPage } from './pages/unmapped.page';
import { sendPage } from './send-page';

/** The web pages for reps and leads: overview, account, meetings, unmapped events. */
@Controller()
@UseGuards(PageAuthGuard)
export class PagesController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly meetings: MeetingsReadModel,
    private readonly unmapped: UnmappedReadModel,
    private readonly devMail: DevMailClient,
  ) {}

  @Get()
  async overview(@Req() request: AuthedRequest, @Res() response: Response, @Query() query: Record<string, RawParam>): Promise<void> {
    const ctx = this.context(request);
    const filters = parseAccountFilters(query, ctx.user);
    const page = parseAccountPage(query);
    const [list, options] = await Promise.all([this.accounts.page(ctx.user, filters, page, ctx.now), this.accounts.filterOptions(ctx.user)]);
    sendPage(response, overviewPage({ ...list, page, filters, options }, ctx));
  }

  @Get('accounts/:id')
  async account(@Req() request: AuthedRequest, @Res() response: Response, @Param('id') id: string, @Query('done') done?: string): Promise<void> {
    const ctx = this.context(request);
    const detail = await this.accounts.detail(ctx.user, id, ctx.now);
    if (!detail) throw new Problem(404, 'Not Found', 'There is no account at this address that you can see. It may belong to another team.');
    sendPage(response, accountPage(detail, ctx, HISTORY_DAYS, typeof done === 'string' ? done : null));
  }

  @Get('meetings')
  async upcoming(@Req() request: AuthedRequest, @Res() response: Response, @Query() query: Record<string, RawParam>): Promise<void> {
    const ctx = this.context(request);
    const options = parseMeetingOptions({ withinDays: '14', ...query });
    sendPage(response, meetingsPage(await this.meetings.upcoming(ctx.user, { withinDays: options.withinDays, states: meetingStates(options) }), options, ctx));
  }

  @Get('unmapped')
  async unmappedEvents(@Req() request: AuthedRequest, @Res() response: Response): Promise<void> {
    const ctx = this.context(request);
    if (!mayReadUnmapped(ctx.user)) throw new Problem(403, 'Forbidden', 'Only sales leads and admins see unmapped events.');
    sendPage(response, unmappedPage(await this.unmapped.groups(), ctx));
  }

  private context(request: AuthedRequest): PageContext {
    return pageContext(request, this.devMail.available) as PageContext;
  }
}
