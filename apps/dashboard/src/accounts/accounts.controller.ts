import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import type { User } from '@forewarn/database';
import { Problem } from '@forewarn/service-kit';
import { ApiAuthGuard } from '../auth/auth.guard';
import { CurrentUser } from '../auth/current-user.decorator';
import type { RawParam } from '../common/query-params';
import { parseAccountFilters } from './account-filters';
import type { AccountDetail, AccountSummary } from './account.types';
import { AccountsService } from './accounts.service';

export const accountNotFound = (id: string): Problem => new Problem(404, 'Not Found', `There is no account "${id}" that you can see.`);

@Controller('api/accounts')
@UseGuards(ApiAuthGuard)
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  /** `?state=&team=&owner=&q=&sort=risk|name|updated`, riskiest first by default. */
  @Get()
  list(@CurrentUser() user: User, @Query() query: Record<string, RawParam>): Promise<AccountSummary[]> {
    return this.accounts.list(user, parseAccountFilters(query, user));
  }

  @Get(':id')
  async detail(@CurrentUser() user: User, @Param('id') id: string): Promise<AccountDetail> {
    const detail = await this.accounts.detail(user, id);
    if (!detail) throw accountNotFound(id);
    return detail;
  }
}
