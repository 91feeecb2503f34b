import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import { HEALTH_STATES, type HealthState } from '@forewarn/contracts';
import type { User } from '@forewarn/database';
import type { Response } from 'express';
import { ApiAuthGuard, PageAuthGuard } from '../auth/auth.guard';
import { CurrentUser } from '../auth/current-user.decorator';
import type { AuthedRequest } from '../common/authed-request';
import { boolean, integer, list, type RawParam } from '../common/query-params';
import { PageContexts } from '../web/page-context';
import { sendPage } from '../web/send-page';
import { meetingsPage } from './meetings.page';
import { MeetingsReadModel, type UpcomingMeeting } from './meetings.read-model';

/** "At risk" means what it says: accounts at risk or in a firestorm, not those only to watch. */
export const AT_RISK_STATES: readonly HealthState[] = ['at_risk', 'firestorm'];

export interface MeetingOptions {
  withinDays: number;
  atRiskOnly: boolean;
  /** `state=` as given (empty: every state). */
  states: HealthState[];
}

export function parseMeetingOptions(query: Record<string, RawParam>): MeetingOptions {
  return {
    withinDays: integer('withinDays', query.withinDays, { min: 1, max: 365 }, 7),
    atRiskOnly: boolean('atRisk', query.atRisk, false),
    states: list('state', query.state, HEALTH_STATES),
  };
}

/** The account states whose meetings to list; `null` for all. `atRisk=true` narrows `state=` to at risk and firestorm. */
export function meetingStates(options: Pick<MeetingOptions, 'atRiskOnly' | 'states'>): HealthState[] | null {
  const given = options.states.length ? options.states : null;
  if (!options.atRiskOnly) return given;
  return (given ?? [...HEALTH_STATES]).filter((state) => AT_RISK_STATES.includes(state));
}

@Controller('api/meetings')
@UseGuards(ApiAuthGuard)
export class MeetingsController {
  constructor(private readonly meetings: MeetingsReadModel) {}

  /** `?withinDays=7&atRisk=true&state=`: upcoming meetings with visible accounts, soonest first, with each account's state. */
  @Get()
  upcoming(@CurrentUser() user: User, @Query() query: Record<string, RawParam>): Promise<UpcomingMeeting[]> {
    const options = parseMeetingOptions(query);
    return this.meetings.upcoming(user, { withinDays: options.withinDays, states: meetingStates(options) });
  }
}

/** The meetings page: the next two weeks unless `withinDays` says otherwise. */
@Controller('meetings')
@UseGuards(PageAuthGuard)
export class MeetingsPageController {
  constructor(private readonly meetings: MeetingsReadModel, private readonly pages: PageContexts) {}

  @Get()
  async upcoming(@Req() request: AuthedRequest, @Res() response: Response, @Query() query: Record<string, RawParam>): Promise<void> {
    const ctx = this.pages.of(request);
    const options = parseMeetingOptions({ withinDays: '14', ...query });
    sendPage(response, meetingsPage(await this.meetings.upcoming(ctx.user, { withinDays: options.withinDays, states: meetingStates(options) }), options, ctx));
  }
}
