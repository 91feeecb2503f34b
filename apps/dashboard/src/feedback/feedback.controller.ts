import { verifyLink } from '@forewarn/alerting';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { DashboardConfig } from '@forewarn/config';
import type { User } from '@forewarn/database';
import { Problem } from '@forewarn/service-kit';
import type { Response } from 'express';
import { AccountAccess } from '../auth/account-access';
import { ApiAuthGuard, PageAuthGuard } from '../auth/auth.guard';
import { CurrentUser } from '../auth/current-user.decorator';
import { DASHBOARD_CONFIG } from '../common/dashboard.config';
import { sendPage } from '../web/send-page';
import { confirmLinkPage, linkOutcomePage, linkProblemPage } from './feedback.pages';
import { FeedbackPublisher } from './feedback.publisher';
import { FeedbackReadModel } from './feedback.read-model';
import { OnceOnlyFeedback } from './once-only';
import { parseSnoozeHours } from './snooze-hours';

const person = (user: User) => ({ email: user.email, ...(user.name ? { name: user.name } : {}) });

/** Finished deliveries can be sent again; pending and retrying ones are still on their way. */
const RESENDABLE = ['sent', 'failed', 'suppressed'];

/** One-click links from mails: no login, the signed token is the credential. */
@Controller('a')
export class LinkController {
  constructor(
    private readonly query: FeedbackReadModel,
    private readonly once: OnceOnlyFeedback,
    @Inject(DASHBOARD_CONFIG) private readonly config: DashboardConfig,
  ) {}

  @Get(':token')
  async show(@Param('token') token: string, @Res() response: Response): Promise<void> {
    const checked = await this.check(token, response);
    if (!checked) return;
    const used = await this.once.linkUse(checked.link);
    if (used) return sendPage(response, linkOutcomePage(used, checked.alert));
    sendPage(response, confirmLinkPage({ action: checked.link.action, hours: checked.link.action === 'snooze' ? checked.link.hours : undefined, alert: checked.alert, token }));
  }

  /** A link works once: the first press acts, a later one says what the first did and publishes nothing. */
  @Post(':token')
  async act(@Param('token') token: string, @Res() response: Response): Promise<void> {
    const checked = await this.check(token, response);
    if (!checked) return;
    const { link, alert } = checked;
    const outcome = await this.once.useLink(link, { state: await this.query.accountState(alert.accountId), now: new Date() });
    sendPage(response, linkOutcomePage(outcome, alert));
  }

  private async check(token: string, response: Response) {
    const result = verifyLink(token, this.config.FOREWARN_SECRET, new Date());
    if (!result.ok) {
      if (result.problem === 'expired') sendPage(response, linkProblemPage('This link has expired', 'Links in alert mails work for a week. Sign in to acknowledge or snooze from the account page.'), 410);
      else sendPage(response, linkProblemPage('This link does not work', 'It may have been cut off or changed. Open the account from the dashboard instead.'), 400);
      return null;
    }
    const alert = await this.query.alert(result.link.alertId);
    if (!alert || alert.accountId !== result.link.accountId) {
      sendPage(response, linkProblemPage('Alert not found', 'The alert this link belongs to does not exist (any more).'), 404);
      return null;
    }
    return { link: result.link, alert };
  }
}

/** Acknowledge, snooze and resend from the dashboard API. */
@Controller('api')
@UseGuards(ApiAuthGuard)
export class FeedbackApiController {
  constructor(
    private readonly query: FeedbackReadModel,
    private readonly publisher: FeedbackPublisher,
    private readonly once: OnceOnlyFeedback,
    private readonly access: AccountAccess,
  ) {}

  /** `202` when this acknowledged the alert; `200` saying who did and when, when someone already had (nothing is published again). */
  @Post('alerts/:id/ack')
  async acknowledge(@CurrentUser() user: User, @Param('id') id: string, @Res({ passthrough: true }) response: Response) {
    const alert = await this.query.alert(id);
    if (!alert || !(await this.access.visible(user, alert.accountId))) throw new Problem(404, 'Not Found', `There is no alert ${id} that you can see.`);
    const state = await this.query.accountState(alert.accountId);
    const { acknowledgement: ack, already } = await this.once.acknowledge({ alertId: alert.id, accountId: alert.accountId, state, by: person(user), via: 'dashboard' });
    response.status(already ? 200 : 202);
    const acknowledged = { alertId: ack.alertId, accountId: ack.accountId, state: ack.state, by: ack.by.email, at: ack.at.toISOString(), via: ack.via };
    if (!already) return { acknowledged };
    return { acknowledged, alreadyAcknowledged: true, detail: `Alert ${ack.alertId} was already acknowledged by ${ack.by.name ?? ack.by.email} at ${ack.at.toISOString()}; nothing new was sent.` };
  }

  @Post('accounts/:id/snooze')
  @HttpCode(202)
  async snooze(@CurrentUser() user: User, @Param('id') accountId: string, @Body() body: Record<string, unknown> | undefined, @Query('hours') hoursParam?: string) {
    if (!(await this.access.visible(user, accountId))) throw new Problem(404, 'Not Found', `There is no account ${accountId} that you can see.`);
    const hours = parseSnoozeHours(body?.hours ?? hoursParam);
    if (hours === null) throw new Problem(400, 'Bad Request', 'hours must be a whole number from 1 to 720.', { errors: [{ field: 'hours', message: 'must be a whole number from 1 to 720' }] });
    const state = await this.query.accountState(accountId);
    const until = new Date(Date.now() + hours * 3_600_000);
    await this.publisher.snooze({ accountId, state, by: person(user), until, via: 'dashboard' });
    return { snoozed: { accountId, state, until: until.toISOString(), by: user.email } };
  }

  @Post('notifications/:id/resend')
  @HttpCode(202)
  async resend(@CurrentUser() user: User, @Param('id') id: string) {
    const notification = await this.query.notification(id);
    if (!notification || !(await this.access.visible(user, notification.accountId))) throw new Problem(404, 'Not Found', `There is no notification ${id} that you can see.`);
    if (!RESENDABLE.includes(notification.status)) {
      throw new Problem(409, 'Conflict', `Notification ${id} is ${notification.status}: it is still on its way, there is nothing to resend yet.`);
    }
    await this.publisher.resend({ notificationId: notification.id, accountId: notification.accountId, by: person(user) });
    return { resend: { notificationId: notification.id, requestedBy: user.email } };
  }
}

/** Acknowledge, snooze and resend from the account page (a form post; the page guard checks it came from our origin). */
@Controller('accounts')
@UseGuards(PageAuthGuard)
export class AccountActionsController {
  constructor(
    private readonly query: FeedbackReadModel,
    private readonly publisher: FeedbackPublisher,
    private readonly once: OnceOnlyFeedback,
    private readonly access: AccountAccess,
  ) {}

  @Post(':id/acknowledge')
  async acknowledge(@CurrentUser() user: User, @Param('id') accountId: string, @Body() body: Record<string, unknown>, @Res() response: Response): Promise<void> {
    const alert = await this.query.alert(String(body?.alertId ?? ''));
    if (!alert || alert.accountId !== accountId || !(await this.access.visible(user, accountId))) throw new Problem(404, 'Not Found', 'There is no such alert on an account you can see.');
    const { already } = await this.once.acknowledge({ alertId: alert.id, accountId, state: await this.query.accountState(accountId), by: person(user), via: 'dashboard' });
    response.redirect(303, `/accounts/${encodeURIComponent(accountId)}?done=${already ? 'already-acknowledged' : 'acknowledged'}#told`);
  }

  /** "Resend" beside a delivery in "who was told": the same mail again, now (its first delivery time stays). */
  @Post(':id/resend')
  async resend(@CurrentUser() user: User, @Param('id') accountId: string, @Body() body: Record<string, unknown>, @Res() response: Response): Promise<void> {
    const notification = await this.query.notification(String(body?.notificationId ?? ''));
    if (!notification || notification.accountId !== accountId || !(await this.access.visible(user, accountId))) throw new Problem(404, 'Not Found', 'There is no such mail about an account you can see.');
    const resendable = RESENDABLE.includes(notification.status);
    if (resendable) await this.publisher.resend({ notificationId: notification.id, accountId, by: person(user) });
    response.redirect(303, `/accounts/${encodeURIComponent(accountId)}?done=${resendable ? 'resent' : 'resend-waiting'}#told`);
  }

  @Post(':id/snooze')
  async snooze(@CurrentUser() user: User, @Param('id') accountId: string, @Body() body: Record<string, unknown>, @Res() response: Response): Promise<void> {
    if (!(await this.access.visible(user, accountId))) throw new Problem(404, 'Not Found', 'There is no account at this address that you can see.');
    const hours = parseSnoozeHours(body?.hours);
    if (hours === null) throw new Problem(400, 'Bad Request', 'hours must be a whole number from 1 to 720.');
    await this.publisher.snooze({ accountId, state: await this.query.accountState(accountId), by: person(user), until: new Date(Date.now() + hours * 3_600_000), via: 'dashboard' });
    response.redirect(303, `/accounts/${encodeURIComponent(accountId)}?done=snoozed#told`);
  }
}
