import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import type { User } from '@forewarn/database';
import { ApiAuthGuard } from '../auth/auth.guard';
import { CurrentUser } from '../auth/current-user.decorator';
import { boolean, integer, type RawParam } from '../common/query-params';
import { MeetingsQuery, type UpcomingMeeting } from './meetings.query';

export function parseMeetingOptions(query: Record<string, RawParam>): { withinDays: number; atRiskOnly: boolean } {
  return { withinDays: integer('withinDays', query.withinDays, { min: 1, max: 365 }, 7), atRiskOnly: boolean('atRisk', query.atRisk, false) };
}

@Controller('api/meetings')
@UseGuards(ApiAuthGuard)
export class MeetingsController {
  constructor(private readonly meetings: MeetingsQuery) {}

  /** `?withinDays=7&atRisk=true`: upcoming meetings with visible accounts, soonest first, with each account's state. */
  @Get()
  upcoming(@CurrentUser() user: User, @Query() query: Record<string, RawParam>): Promise<UpcomingMeeting[]> {
    return this.meetings.upcoming(user, parseMeetingOptions(query));
  }
}
