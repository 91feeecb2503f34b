import { Body, Controller, Get, NotFoundException, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { AuditLog, DeliveryLogReadModel, SessionsRepository, SourceExistsError, SourceNotFoundError, SourcesRepository, TxHost, UsersRepository } from '@forewarn/database';
import type { Response } from 'express';
import { AdminOnlyOrNotFound } from '../auth/admin-only.guard';
import { PageAuthGuard } from '../auth/auth.guard';
import { SignInLinks } from '../auth/sign-in-link.service';
import type { AuthedRequest } from '../common/authed-request';
import { PageContexts } from '../web/page-context';
import { sendPage } from '../web/send-page';
import { parseGrace, parseInvite, parseNewSource, parseRoleAndTeam } from './admin-forms';
import { deliveryLogPage, sourceKeyPage, sourcesPage, usersPage } from './admin.pages';
import { SourcesTrafficReadModel } from './sources.read-model';

type Message = { text: string; error?: boolean };

/**
 * The admin pages for sources and users (admins only; 404 for anyone else). Each change and its
 * audit entry are one unit of work, through the owners' repositories, as the command line does.
 */
@Controller('admin')
@UseGuards(PageAuthGuard, AdminOnlyOrNotFound)
export class AdminController {
  constructor(
    private readonly pages: PageContexts,
    private readonly sources: SourcesRepository,
    private readonly traffic: SourcesTrafficReadModel,
    private readonly deliveries: DeliveryLogReadModel,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly links: SignInLinks,
    private readonly audit: AuditLog,
    private readonly txHost: TxHost,
  ) {}

  @Get()
  home(@Res() response: Response): void {
    response.redirect(303, '/admin/sources');
  }

  @Get('sources')
  async listSources(@Req() request: AuthedRequest, @Res() response: Response): Promise<void> {
    await this.showSources(request, response, null);
  }

  @Post('sources')
  async addSource(@Req() request: AuthedRequest, @Res() response: Response, @Body() body: Record<string, unknown>): Promise<void> {
    const ctx = this.pages.of(request);
    const parsed = parseNewSource(body ?? {});
    if (!parsed.ok) return this.showSources(request, response, { text: parsed.problem, error: true }, 400);
    const { name, kind, allow } = parsed.value;
    try {
      const { apiKey } = await this.txHost.withTransaction(async () => {
        const added = await this.sources.add(name, kind, null, null, allow, {});
        await this.audit.record({ actor: ctx.user.email, action: 'source.added', target: name, details: { kind, allow, signed: false, mapping: false, settings: {}, via: 'dashboard' } });
        return added;
      });
      sendPage(response, sourceKeyPage({ name, apiKey, created: true, previousKeyValidUntil: null }, ctx));
    } catch (error) {
      if (!(error instanceof SourceExistsError)) throw error;
      await this.showSources(request, response, { text: `A source named ${name} exists already.`, error: true }, 409);
    }
  }

  @Post('sources/:name/rotate')
  async rotate(@Req() request: AuthedRequest, @Res() response: Response, @Param('name') name: string, @Body() body: Record<string, unknown>): Promise<void> {
    const ctx = this.pages.of(request);
    const grace = typeof body?.grace === 'string' ? body.grace : '24h';
    const graceMs = parseGrace(grace);
    if (graceMs === null) return this.showSources(request, response, { text: `The grace period must be a duration such as 0, 90s, 30m, 24h or 7d (at most 30d), not "${grace}".`, error: true }, 400);
    try {
      const rotated = await this.txHost.withTransaction(async () => {
        const result = await this.sources.rotateKey(name, graceMs);
        await this.audit.record({ actor: ctx.user.email, action: 'source.key_rotated', target: name, details: { grace, previousKeyValidUntil: result.previousKeyValidUntil?.toISOString() ?? null, via: 'dashboard' } });
        return result;
      });
      sendPage(response, sourceKeyPage({ name, apiKey: rotated.apiKey, created: false, previousKeyValidUntil: rotated.previousKeyValidUntil }, ctx));
    } catch (error) {
      if (error instanceof SourceNotFoundError) throw new NotFoundException();
      throw error;
    }
  }

  @Post('sources/:name/remove')
  async remove(@Req() request: AuthedRequest, @Res() response: Response, @Param('name') name: string): Promise<void> {
    const ctx = this.pages.of(request);
    try {
      await this.txHost.withTransaction(async () => {
        const gone = await this.sources.remove(name);
        await this.audit.record({ actor: ctx.user.email, action: 'source.removed', target: name, details: { kind: gone.kind, allow: gone.allow, via: 'dashboard' } });
      });
    } catch (error) {
      if (error instanceof SourceNotFoundError) throw new NotFoundException();
      throw error;
    }
    await this.showSources(request, response, { text: `${name} is removed: its keys stop working within seconds; the events it sent stay.` });
  }

  @Get('sources/:name/log')
  async log(@Req() request: AuthedRequest, @Res() response: Response, @Param('name') name: string): Promise<void> {
    const ctx = this.pages.of(request);
    if (!(await this.sources.findByName(name))) throw new NotFoundException();
    sendPage(response, deliveryLogPage(name, await this.deliveries.list(name, { limit: 100, withoutBodies: true }), ctx));
  }

  @Get('users')
  async listUsers(@Req() request: AuthedRequest, @Res() response: Response): Promise<void> {
    await this.showUsers(request, response, null);
  }

  @Post('users')
  async invite(@Req() request: AuthedRequest, @Res() response: Response, @Body() body: Record<string, unknown>): Promise<void> {
    const ctx = this.pages.of(request);
    const parsed = parseInvite(body ?? {});
    if (!parsed.ok) return this.showUsers(request, response, { text: parsed.problem, error: true }, 400);
    const invited = await this.links.invite(ctx.user, parsed.value);
    if (!invited.ok) return this.showUsers(request, response, { text: `${parsed.value.email} is a user already.`, error: true }, 409);
    await this.showUsers(request, response, { text: invited.mailed ? `Invitation sent to ${parsed.value.email}.` : `${parsed.value.email} is invited, but the mail server did not take the invitation: press “Invite again” later.`, error: !invited.mailed });
  }

  @Post('users/:email/role')
  async setRole(@Req() request: AuthedRequest, @Res() response: Response, @Param('email') email: string, @Body() body: Record<string, unknown>): Promise<void> {
    const ctx = this.pages.of(request);
    const parsed = parseRoleAndTeam(body ?? {});
    if (!parsed.ok) return this.showUsers(request, response, { text: parsed.problem, error: true }, 400);
    const changed = await this.txHost.withTransaction(async () => {
      const result = await this.users.setRoleAndTeam(email, parsed.value.role, parsed.value.team);
      if (result) await this.audit.record({ actor: ctx.user.email, action: 'user.changed', target: result.before.email, details: { from: { role: result.before.role, team: result.before.team }, to: parsed.value } });
      return result;
    });
    if (!changed) throw new NotFoundException();
    await this.showUsers(request, response, { text: `${changed.after.email} is now ${changed.after.role}${changed.after.team ? ` in ${changed.after.team}` : ''}.` });
  }

  @Post('users/:email/deactivate')
  deactivate(@Req() request: AuthedRequest, @Res() response: Response, @Param('email') email: string): Promise<void> {
    return this.setActive(request, response, email, false);
  }

  @Post('users/:email/reactivate')
  reactivate(@Req() request: AuthedRequest, @Res() response: Response, @Param('email') email: string): Promise<void> {
    return this.setActive(request, response, email, true);
  }

  @Post('users/:email/end-sessions')
  async endSessions(@Req() request: AuthedRequest, @Res() response: Response, @Param('email') email: string): Promise<void> {
    const ctx = this.pages.of(request);
    const ended = await this.txHost.withTransaction(async () => {
      const user = await this.users.listing(email);
      if (!user) return null;
      const count = await this.sessions.endAllOf(user.email);
      await this.audit.record({ actor: ctx.user.email, action: 'user.sessions_revoked', target: user.email, details: { sessionsEnded: count } });
      return { email: user.email, count };
    });
    if (!ended) throw new NotFoundException();
    await this.showUsers(request, response, { text: `${ended.email} is signed out everywhere (${ended.count} session${ended.count === 1 ? '' : 's'}; within 15 seconds on every dashboard).` });
  }

  @Post('users/:email/reinvite')
  async reinvite(@Req() request: AuthedRequest, @Res() response: Response, @Param('email') email: string): Promise<void> {
    const ctx = this.pages.of(request);
    const sent = await this.links.reinvite(ctx.user, email);
    await this.showUsers(request, response, sent ? { text: `A new invitation went to ${email}.` } : { text: `No invitation went to ${email}.`, error: true });
  }

  private async setActive(request: AuthedRequest, response: Response, email: string, active: boolean): Promise<void> {
    const ctx = this.pages.of(request);
    if (email.toLowerCase() === ctx.user.email.toLowerCase()) return this.showUsers(request, response, { text: 'You cannot deactivate yourself.', error: true }, 400);
    const changed = await this.txHost.withTransaction(async () => {
      const result = await this.users.setActive(email, active);
      if (result) await this.audit.record({ actor: ctx.user.email, action: active ? 'user.reactivated' : 'user.deactivated', target: result.before.email, details: { sessionsEnded: result.sessionsEnded } });
      return result;
    });
    if (!changed) throw new NotFoundException();
    await this.showUsers(request, response, { text: active ? `${changed.before.email} may sign in again.` : `${changed.before.email} is deactivated: signed out, their token refused (within 15 seconds on every dashboard).` });
  }

  private async showSources(request: AuthedRequest, response: Response, message: Message | null, status = 200): Promise<void> {
    const [sources, traffic] = await Promise.all([this.sources.list(), this.traffic.bySource()]);
    sendPage(response, sourcesPage(sources, traffic, this.pages.of(request), message), status);
  }

  private async showUsers(request: AuthedRequest, response: Response, message: Message | null, status = 200): Promise<void> {
    sendPage(response, usersPage(await this.users.list(), this.pages.of(request), message), status);
  }
}
