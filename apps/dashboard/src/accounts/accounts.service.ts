import { Injectable } from '@nestjs/common';
import { type Audience, AudienceBook, audienceWarnings, isInternal } from '@forewarn/alerting';
import type { User } from '@forewarn/database';
import { AlertsService } from '../alerts/alerts.service';
import { type AccountAudience, canSee } from '../auth/visibility';
import { TtlCache } from '../common/ttl-cache';
import { DEFAULT_PAGE_SIZE } from './account-filters';
import type { AccountDetail, AccountSummary, Meeting, MeetingPerson } from './account.types';
import { type AccountFilters, type AccountPage, type AccountRow, AccountsReadModel, type FilterOptions, type StateCounts } from './accounts.read-model';
import { SupportNotesReadModel } from './support-notes.read-model';
import { describeEvent, type TimelineEventData } from './timeline';
import { dailyScores, NO_HEALTH_SCORE, trendWindowStart } from './trend';

const audienceOf = (row: AccountRow): AccountAudience => ({ ownerEmail: row.owner.email, team: row.team, leadEmail: row.leadEmail, memberEmails: row.memberEmails });

const DAY_MS = 24 * 60 * 60 * 1000;
/** How far back the account page's history reaches unless the reader asks for 90 days. */
export const HISTORY_DAYS = 30;
export const HISTORY_PERIODS = [30, 90] as const;

/**
 * How long the counts of a list are reused for the same reader and filters. Counting reads every
 * account the reader can see (~100 ms for an admin at 100k accounts), the page itself only its rows.
 */
const COUNTS_TTL_MS = 5_000;
/**
 * How long the teams and owners of the overview's filter form are reused for the same reader: they
 * change when the CRM sends accounts, and listing them reads every account the reader can see
 * (~250 ms for an admin at 100k accounts).
 */
const FILTER_OPTIONS_TTL_MS = 60_000;

export const FIRST_PAGE: AccountPage = { limit: DEFAULT_PAGE_SIZE, offset: 0 };

/** One page of the overview, with how many accounts match in all, and where the pages next to it start. */
export interface AccountsPage {
  accounts: AccountSummary[];
  /** All matching accounts by state, counted at most COUNTS_TTL_MS ago. */
  counts: StateCounts;
  total: number;
  next: AccountPage | null;
  previous: AccountPage | null;
}

/**
 * The cached value, or the one being computed. Requests that miss together share one computation:
 * before, every request in flight when an admin's count expired ran its own (170–220 ms of
 * PostgreSQL each with two parallel workers, up to 8 at once at 8 connections). A failed
 * computation is not kept.
 */
function cached<V>(cache: TtlCache<string, Promise<V>>, key: string, compute: () => Promise<V>): Promise<V> {
  const hit = cache.get(key);
  if (hit) return hit;
  const value = compute();
  cache.set(key, value);
  // Counted from when the computation is done, as before; dropped if it fails.
  value.then(
    () => cache.get(key) === value && cache.set(key, value),
    () => cache.get(key) === value && cache.delete(key),
  );
  return value;
}

/** Who can see what depends on these only (`visibilitySql`): the caches' key for a reader. */
const audienceKey = (user: User): string => (user.role === 'admin' ? 'admin' : JSON.stringify([user.role, user.email.toLowerCase(), user.team?.trim().toLowerCase() ?? null]));

/** What a user may know about accounts: the overview list and one account's whole story. */
@Injectable()
export class AccountsService {
  constructor(private readonly accounts: AccountsReadModel, private readonly alerts: AlertsService, private readonly audience: AudienceBook, private readonly supportNotes: SupportNotesReadModel) {}

  private readonly counts = new TtlCache<string, Promise<StateCounts>>(COUNTS_TTL_MS);
  private readonly options = new TtlCache<string, Promise<FilterOptions>>(FILTER_OPTIONS_TTL_MS);

  async page(user: User, filters: AccountFilters, page = FIRST_PAGE, now = new Date()): Promise<AccountsPage> {
    const [rows, counts] = await Promise.all([this.accounts.list(user, filters, page, trendWindowStart(now)), this.countByState(user, filters)]);
    // The query reads one row past the page when there is one.
    const accounts = rows.slice(0, page.limit).map((r) => ({
      id: r.id,
      name: r.name,
      owner: { name: r.ownerName, email: r.ownerEmail },
      team: r.team,
      state: r.state,
      score: r.score,
      riskPoints: r.riskPoints,
      openCases: r.openCases,
      openEscalations: r.openEscalations,
      nextMeeting: r.meeting,
      updatedAt: r.updatedAt,
      trend: dailyScores(r.scoreChanges, r.score, now),
    }));
    return {
      accounts,
      counts,
      total: Object.values(counts).reduce((sum, n) => sum + n, 0),
      next: rows.length > page.limit ? { limit: page.limit, offset: page.offset + page.limit } : null,
      previous: page.offset > 0 ? { limit: page.limit, offset: Math.max(0, page.offset - page.limit) } : null,
    };
  }

  /** Teams and owners among the accounts the user can see, for the overview's filter form. */
  async filterOptions(user: User): Promise<FilterOptions> {
    return cached(this.options, audienceKey(user), () => this.accounts.filterOptions(user));
  }

  private countByState(user: User, filters: AccountFilters): Promise<StateCounts> {
    return cached(this.counts, `${audienceKey(user)} ${JSON.stringify(filters)}`, () => this.accounts.countByState(user, filters));
  }

  /** The account's detail, or null when it does not exist or the user may not see it (both are a 404). */
  async detail(user: User, accountId: string, now = new Date(), historyDays = HISTORY_DAYS): Promise<AccountDetail | null> {
    const row = await this.accounts.account(accountId);
    if (!row || !canSee(user, audienceOf(row))) return null;
    const [health, cases, events, meetings, alerts, feedback, history, supportNotes] = await Promise.all([
      this.accounts.health(accountId),
      this.accounts.cases(accountId),
      this.accounts.events(accountId),
      this.accounts.meetings(accountId),
      this.alerts.list(user, { accountId, kinds: [], limit: 50 }),
      this.alerts.feedback(accountId),
      this.accounts.history(accountId, new Date(now.getTime() - historyDays * DAY_MS)),
      this.supportNotes.of(accountId),
    ]);
    const { leadEmail: _lead, memberEmails: _members, ...account } = row;
    const named = [
      { role: 'owner' as const, email: row.owner.email },
      ...(row.lead ? [{ role: 'lead' as const, email: row.lead.email }] : []),
      ...row.members.map((m) => ({ role: 'member' as const, email: m.email })),
    ];
    const people = meetings.flatMap((m) => [m.organizer, ...m.attendees]).map((p) => p?.email).filter((e): e is string => !!e);
    const audience = await this.audience.about([...named.map((p) => p.email), ...people]);
    return {
      account,
      warnings: audienceWarnings(named, audience),
      health: health ?? { score: NO_HEALTH_SCORE, state: 'healthy', reasons: [], riskPoints: 0, openCases: 0, openEscalations: 0, updatedAt: null },
      cases,
      timeline: events.map((e) => describeEvent(e.type, e.time.toISOString(), (e.data ?? {}) as TimelineEventData)),
      meetings: meetings.map((m) => ({ ...m, customerPeople: customerPeople(m, audience) })),
      alerts,
      feedback,
      history,
      supportNotes,
    };
  }
}

/** The meeting's organizer and attendees who are not our own people, each once. */
function customerPeople(meeting: Meeting, audience: Audience): MeetingPerson[] {
  const seen = new Set<string>();
  return [...(meeting.organizer ? [meeting.organizer] : []), ...meeting.attendees].filter((p) => {
    const email = p.email?.trim().toLowerCase();
    if (!email || seen.has(email) || isInternal(email, audience)) return false;
    seen.add(email);
    return true;
  });
}
