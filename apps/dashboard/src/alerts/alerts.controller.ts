import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ALERT_KINDS } from '@forewarn/contracts';
import type { User } from '@forewarn/database';
import { AccountAccess, accountNotFound } from '../auth/account-access';
import { ApiAuthGuard } from '../auth/auth.guard';
import { CurrentUser } from '../auth/current-user.decorator';
import { integer, list, type RawParam, text } from '../common/query-params';
import type { AlertView } from './alert.types';
import { AlertsService } from './alerts.service';

@Controller('api/alerts')
@UseGuards(ApiAuthGuard)
export class AlertsController {
  constructor(private readonly alerts: AlertsService, private readonly access: AccountAccess) {}

  /** `?account=&kind=&limit=`: alerts about visible accounts, newest first, with their deliveries. */
  @Get()
  async list(@CurrentUser() user: User, @Query() query: Record<string, RawParam>): Promise<AlertView[]> {
    const accountId = text('account', query.account);
    const kinds = list('kind', query.kind, ALERT_KINDS);
    const limit = integer('limit', query.limit, { min: 1, max: 1000 }, 200);
    if (accountId && !(await this.access.visible(user, accountId))) throw accountNotFound(accountId);
    return this.alerts.list(user, { accountId, kinds, limit });
  }
}
