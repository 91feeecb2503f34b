import { type CanActivate, Controller, Get, Injectable, NotFoundException, Param, Req, Res, UseGuards } from '@nestjs/common';
import { AdminOnlyOrNotFound } from '../auth/admin-only.guard';
import type { Response } from 'express';
import { PageAuthGuard } from '../auth/auth.guard';
import type { AuthedRequest } from '../common/authed-request';
import { PageContexts } from '../web/page-context';
import { sendPage } from '../web/send-page';
import { type CaughtMail, DevMailClient, MailSinkUnavailable } from './dev-mail.client';
import { devMailListPage, devMailPage } from './dev-mail.page';

/** In production, or without a mail sink, the page does not exist — not even behind the login. */
@Injectable()
export class DevMailAvailableGuard implements CanActivate {
  constructor(private readonly mail: DevMailClient) {}

  canActivate(): boolean {
    if (!this.mail.available) throw new NotFoundException();
    return true;
  }
}

/** `/dev/mail`: what the development mail sink caught, for admins (every team's mail is in the sink). 404 in production, without a sink, or for anyone else. */
@Controller('dev/mail')
@UseGuards(DevMailAvailableGuard, PageAuthGuard, AdminOnlyOrNotFound)
export class DevMailController {
  constructor(private readonly mail: DevMailClient, private readonly pages: PageContexts) {}

  @Get()
  async list(@Req() request: AuthedRequest, @Res() response: Response): Promise<void> {
    const ctx = this.pages.of(request);
    let mails: CaughtMail[] = [];
    let problem: string | null = null;
    try {
      mails = await this.mail.list();
    } catch (error) {
      if (!(error instanceof MailSinkUnavailable)) throw error;
      problem = `Cannot read the mail sink: ${error.message}.`;
    }
    sendPage(response, devMailListPage(mails, ctx, problem));
  }

  @Get(':id')
  async one(@Req() request: AuthedRequest, @Res() response: Response, @Param('id') id: string): Promise<void> {
    const ctx = this.pages.of(request);
    const mail = await this.mail.one(id);
    if (!mail) throw new NotFoundException('That mail is no longer in the sink.');
    sendPage(response, devMailPage(mail, ctx));
  }
}
