import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ALERT_KINDS, HEALTH_STATES, type HealthState } from '@forewarn/contracts';
import type { User } from '@forewarn/database';
import type { Response } from 'express';
import { AccountAccess, accountNotFound } from '../auth/account-access';
import { ApiAuthGuard, PageAuthGuard } from '../auth/auth.guard';
import { CurrentUser } from '../auth/current-user.decorator';
import type { AuthedRequest } from '../common/authed-request';
import { integer, InvalidParameter, list, type RawParam, text } from '../common/query-params';
import { PageContexts } from '../web/page-context';
import { sendPage } from '../web/send-page';
import { alertLogPage } from './alert-log.page';
import type { AlertView } from './alert.types';
import type { AlertFilters } from './alerts.read-model';
import { AlertsService } from './alerts.service';

/** `?acknowledged=yes|no` (also true/false); absent: both. */
function acknowledgedParam(value: RawParam): boolean | null {
  const raw = text('acknowledged', value, 10)?.toLowerCase() ?? null;
  if (raw === null) return null;
  if (['yes', 'true', '1'].includes(raw)) return true;
  if (['no', 'false', '0'].includes(raw)) return false;
  throw new InvalidParameter('acknowledged', 'must be yes or no');
}

/** `?account=&kind=&state=&acknowledged=&limit=` of the alert log and `GET /api/alerts`. */
export function parseAlertFilters(query: Record<string, RawParam>): AlertFilters & { states: HealthState[]; acknowledged: boolean | null } {
  return {
    accountId: text('account', query.account),
    kinds: list('kind', query.kind, ALERT_KINDS),
    states: list('state', query.state, HEALTH_STATES),
    acknowledged: acknowledgedParam(query.acknowledged),
    limit: integer('limit', query.limit, { min: 1, max: 1000 }, 200),
  };
}

@Controller('api/alerts')
@UseGuards(ApiAuthGuard)
export class AlertsController {
  constructor(private readonly alerts: AlertsService, private readonly access: AccountAccess) {}

  /** `?account=&kind=&state=&acknowledged=yes|no&limit=`: alerts about visible accounts, newest first, with their deliveries. */
  @Get()
  async list(@CurrentUser() user: User, @Query() query: Record<string, RawParam>): Promise<AlertView[]> {
    const filters = parseAlertFilters(query);
    if (filters.accountId && !(await this.access.visible(user, filters.accountId))) throw accountNotFound(filters.accountId);
    return this.alerts.list(user, filters);
  }
}

/** The alert log: every alert the reader may see, filtered by kind, state and acknowledgement. */
@Controller('alerts')
@UseGuards(PageAuthGuard)
export class AlertLogPageController {
  constructor(private readonly alerts: AlertsService, private readonly pages: PageContexts) {}

  @Get()
  async log(@Req() request: AuthedRequest, @Res() response: Response, @Query() query: Record<string, RawParam>): Promise<void> {
    const ctx = this.pages.of(request);
    const filters = { ...parseAlertFilters(query), accountId: null };
    sendPage(response, alertLogPage({ alerts: await this.alerts.list(ctx.user, filters), filters }, ctx));
  }
}
