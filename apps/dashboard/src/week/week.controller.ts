import { Controller, Get, Req, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { PageAuthGuard } from '../auth/auth.guard';
import type { AuthedRequest } from '../common/authed-request';
import { PageContexts } from '../web/page-context';
import { sendPage } from '../web/send-page';
import { weekPage } from './week.page';
import { WeekReadModel } from './week.read-model';

const WEEK_DAYS = 7;

/** `/week`: the reader's meetings this week, and for leads (and admins) the reps with unacknowledged firestorms. */
@Controller('week')
@UseGuards(PageAuthGuard)
export class WeekController {
  constructor(private readonly week: WeekReadModel, private readonly pages: PageContexts) {}

  @Get()
  async show(@Req() request: AuthedRequest, @Res() response: Response): Promise<void> {
    const ctx = this.pages.of(request);
    const [meetings, firestorms] = await Promise.all([
      this.week.meetings(ctx.user, WEEK_DAYS),
      ctx.user.role === 'rep' ? Promise.resolve(null) : this.week.unacknowledgedFirestorms(ctx.user),
    ]);
    const openCases = await this.week.openCases([...new Set(meetings.map((m) => m.account.id))]);
    sendPage(response, weekPage({ days: WEEK_DAYS, meetings, openCases, firestorms }, ctx));
  }
}
