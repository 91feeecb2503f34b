import { Controller, Get, Inject, Query, Req, Res, UseGuards } from '@nestjs/common';
import { AUDIT_TIME_FORMS, AuditLog, type AuditQuery, parseAuditTime, type User } from '@forewarn/database';
import { Problem } from '@forewarn/service-kit';
import type { Response } from 'express';
import { AdminOnlyOrNotFound } from '../auth/admin-only.guard';
import { ApiAuthGuard, PageAuthGuard } from '../auth/auth.guard';
import type { AuthedRequest } from '../common/authed-request';
import { PageContexts } from '../web/page-context';
import { sendPage } from '../web/send-page';
import { auditPage } from './audit.page';
import { CurrentUser } from '../auth/current-user.decorator';
import { integer, InvalidParameter, type RawParam, text } from '../common/query-params';

export interface AuditEntryJson {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
}

/** `?action=&actor=&since=&limit=&before=` as an audit query; a bad parameter is an InvalidParameter naming it. */
export function parseAuditQuery(query: Record<string, RawParam>, now: Date): AuditQuery & { limit: number } {
  const action = text('action', query.action, 100);
  if (action !== null && !/^[a-z0-9_.-]+$/i.test(action)) throw new InvalidParameter('action', 'must be an action such as user.added, or a prefix such as user.');
  const actor = text('actor', query.actor, 320);
  const sinceText = text('since', query.since, 50);
  const since = sinceText === null ? undefined : parseAuditTime(sinceText, now);
  if (since === null) throw new InvalidParameter('since', `must be ${AUDIT_TIME_FORMS}`);
  const before = text('before', query.before, 20);
  if (before !== null && !/^[1-9]\d{0,17}$/.test(before)) throw new InvalidParameter('before', 'must be the id of an entry (a whole number)');
  const limit = integer('limit', query.limit, { min: 1, max: 1000 }, 100);
  return { ...(action ? { action } : {}), ...(actor ? { actor } : {}), ...(since ? { since } : {}), ...(before ? { before } : {}), limit };
}

/** The page after `last` with the same filters (the relative `since` fixed to the time it meant). */
export function nextPageLink(query: AuditQuery & { limit: number }, lastId: string): string {
  const params = new URLSearchParams();
  if (query.action) params.set('action', query.action);
  if (query.actor) params.set('actor', query.actor);
  if (query.since) params.set('since', query.since.toISOString());
  params.set('limit', String(query.limit));
  params.set('before', lastId);
  return `</api/audit?${params.toString()}>; rel="next"`;
}

/** The audit log of admin actions, newest first, for admins only. */
@Controller('api/audit')
@UseGuards(ApiAuthGuard)
export class AuditController {
  constructor(@Inject(AuditLog) private readonly audit: AuditLog) {}

  @Get()
  async list(@CurrentUser() user: User, @Query() raw: Record<string, RawParam>, @Res({ passthrough: true }) response: Response): Promise<AuditEntryJson[]> {
    if (user.role !== 'admin') throw new Problem(403, 'Forbidden', 'Only admins read the audit log.');
    const query = parseAuditQuery(raw, new Date());
    const entries = await this.audit.list(query);
    // A full page may have more after it; the next page then may be empty.
    if (entries.length === query.limit) response.setHeader('Link', nextPageLink(query, entries[entries.length - 1].id));
    return entries.map((e) => ({ id: e.id, at: e.at.toISOString(), actor: e.actor, action: e.action, target: e.target, details: e.details }));
  }
}

/** The audit log page (admins only; 404 for anyone else). */
@Controller('admin/audit')
@UseGuards(PageAuthGuard, AdminOnlyOrNotFound)
export class AuditPageController {
  constructor(@Inject(AuditLog) private readonly audit: AuditLog, private readonly pages: PageContexts) {}

  @Get()
  async list(@Req() request: AuthedRequest, @Res() response: Response, @Query() raw: Record<string, RawParam>): Promise<void> {
    const ctx = this.pages.of(request);
    const query = parseAuditQuery(raw, ctx.now);
    sendPage(response, auditPage(await this.audit.list(query), query, ctx));
  }
}
