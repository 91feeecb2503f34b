import { Injectable } from '@nestjs/common';
import type { User } from '@forewarn/database';
import { AlertsQuery } from '../alerts/alerts.query';
import { type AccountAudience, canSee } from '../auth/visibility';
import type { AccountDetail, AccountSummary } from './account.types';
import { type AccountFilters, type AccountRow, AccountsQuery } from './accounts.query';
import { describeEvent, type TimelineEventData } from './timeline';
import { dailyScores, NO_HEALTH_SCORE, trendWindowStart } from './trend';

const audienceOf = (row: AccountRow): AccountAudience => ({ ownerEmail: row.owner.email, team: row.team, leadEmail: row.leadEmail, memberEmails: row.memberEmails });

const DAY_MS = 24 * 60 * 60 * 1000;
/** How far back the account page's history reaches. */
export const HISTORY_DAYS = 30;

/** What a user may know about accounts: the overview list and one account's whole story. */
@Injectable()
export class AccountsService {
  constructor(private readonly accounts: AccountsQuery, private readonly alerts: AlertsQuery) {}

  async list(user: User, filters: AccountFilters, now = new Date()): Promise<AccountSummary[]> {
    const rows = await this.accounts.list(user, filters);
    const changes = await this.accounts.scoreChanges(rows.map((r) => r.id), trendWindowStart(now));
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      owner: { name: r.ownerName, email: r.ownerEmail },
      team: r.team,
      state: r.state,
      score: r.score,
      openCases: r.openCases,
      openEscalations: r.openEscalations,
      nextMeeting: r.meeting ? { id: r.meeting.id, title: r.meeting.title, startsAt: r.meeting.startsAt.toISOString(), kind: r.meeting.kind } : null,
      updatedAt: r.updatedAt.toISOString(),
      trend: dailyScores(changes.get(r.id) ?? [], r.score, now),
    }));
  }

  /** Whether the account exists and the user may see it. */
  async visible(user: User, accountId: string): Promise<boolean> {
    const row = await this.accounts.account(accountId);
    return !!row && canSee(user, audienceOf(row));
  }

  /** The account's detail, or null when it does not exist or the user may not see it (both are a 404). */
  async detail(user: User, accountId: string, now = new Date()): Promise<AccountDetail | null> {
    const row = await this.accounts.account(accountId);
    if (!row || !canSee(user, audienceOf(row))) return null;
    const [health, cases, events, meetings, alerts, feedback, history] = await Promise.all([
      this.accounts.health(accountId),
      this.accounts.cases(accountId),
      this.accounts.events(accountId),
      this.accounts.meetings(accountId),
      this.alerts.list(user, { accountId, kinds: [], limit: 50 }),
      this.alerts.feedback(accountId),
      this.accounts.history(accountId, new Date(now.getTime() - HISTORY_DAYS * DAY_MS)),
    ]);
    const { leadEmail: _lead, memberEmails: _members, ...account } = row;
    return {
      account,
      health: health ?? { score: NO_HEALTH_SCORE, state: 'healthy', reasons: [], openCases: 0, openEscalations: 0, updatedAt: null },
      cases,
      timeline: events.map((e) => describeEvent(e.type, e.time.toISOString(), (e.data ?? {}) as TimelineEventData)),
      meetings,
      alerts,
      feedback,
      history,
    };
  }
}
