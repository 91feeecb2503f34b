import { Controller, Get, Req, Res, UseGuards } from '@nestjs/common';
import type { User } from '@forewarn/database';
import { Problem } from '@forewarn/service-kit';
import type { Response } from 'express';
import { ApiAuthGuard, PageAuthGuard } from '../auth/auth.guard';
import { CurrentUser } from '../auth/current-user.decorator';
import type { AuthedRequest } from '../common/authed-request';
import { PageContexts } from '../web/page-context';
import { sendPage } from '../web/send-page';
import { unmappedPage } from './unmapped.page';
import { type UnmappedGroup, UnmappedReadModel } from './unmapped.read-model';

export const mayReadUnmapped = (user: User): boolean => user.role === 'admin' || user.role === 'lead';
const forLeadsAndAdmins = () => new Problem(403, 'Forbidden', 'Only sales leads and admins see unmapped events.');

@Controller('api/unmapped')
@UseGuards(ApiAuthGuard)
export class UnmappedController {
  constructor(private readonly unmapped: UnmappedReadModel) {}

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
  constructor(private readonly unmapped: UnmappedReadModel, private readonly pages: PageContexts) {}

  @Get()
  async groups(@Req() request: AuthedRequest, @Res() response: Response): Promise<void> {
    const ctx = this.pages.of(request);
    if (!mayReadUnmapped(ctx.user)) throw forLeadsAndAdmins();
    sendPage(response, unmappedPage(await this.unmapped.groups(), ctx));
  }
}
