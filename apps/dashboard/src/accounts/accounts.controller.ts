import { Controller, Get, Param, Query, Res, UseGuards } from '@nestjs/common';
import type { User } from '@forewarn/database';
import type { Response } from 'express';
import { accountNotFound } from '../auth/account-access';
import { ApiAuthGuard } from '../auth/auth.guard';
import { CurrentUser } from '../auth/current-user.decorator';
import type { RawParam } from '../common/query-params';
import { accountsQueryString, parseAccountFilters, parseAccountPage } from './account-filters';
import type { AccountDetail, AccountSummary } from './account.types';
import type { AccountPage } from './accounts.read-model';
import { AccountsService } from './accounts.service';

@Controller('api/accounts')
@UseGuards(ApiAuthGuard)
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  /**
   * `?state=&team=&owner=&q=&sort=risk|name|updated&limit=&offset=`, riskiest first by default, a
   * page of 100 unless `limit` (up to 1,000) says otherwise. The body is the page's array; the
   * headers say how many match in all (`X-Total-Count`) and where the pages next to it are (`Link`).
   */
  @Get()
  async list(@CurrentUser() user: User, @Query() query: Record<string, RawParam>, @Res({ passthrough: true }) response: Response): Promise<AccountSummary[]> {
    const filters = parseAccountFilters(query, user);
    const page = await this.accounts.page(user, filters, parseAccountPage(query));
    response.setHeader('X-Total-Count', String(page.total));
    const link = (to: AccountPage | null, rel: string) => (to ? [`</api/accounts${accountsQueryString(filters, to)}>; rel="${rel}"`] : []);
    const links = [...link(page.next, 'next'), ...link(page.previous, 'prev')];
    if (links.length) response.setHeader('Link', links.join(', '));
    return page.accounts;
  }

  @Get(':id')
  async detail(@CurrentUser() user: User, @Param('id') id: string): Promise<AccountDetail> {
    const detail = await this.accounts.detail(user, id);
    if (!detail) throw accountNotFound(id);
    return detail;
  }
}
