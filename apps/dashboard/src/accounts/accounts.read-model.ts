import { Injectable } from '@nestjs/common';
import type { HealthReason, HealthState } from '@forewarn/contracts';
import { queryPrepared, TxHost, type User } from '@forewarn/database';
import { visibilityKeySql, visibilitySql } from '../auth/visibility';
import type { Account, AccountHealth, CaseSummary, HistoryEntry, Meeting } from './account.types';
import { type ScorePoint, trendWindowStart } from './trend';

export const ACCOUNT_SORTS = ['risk', 'name', 'updated'] as const;
export type AccountSort = (typeof ACCOUNT_SORTS)[number];

export interface AccountFilters {
  states: HealthState[];
  team: string | null;
  owner: string | null;
  q: string | null;
  sort: AccountSort;
}

/** Which part of the list: `limit` accounts after the first `offset`, in the list's order. */
export interface AccountPage {
  limit: number;
  offset: number;
}

/** The teams and owners the overview's filter form offers. */
export interface FilterOptions {
  teams: string[];
  owners: { name: string | null; email: string }[];
}

/** How many accounts of a list there are in each state. */
export type StateCounts = Record<HealthState, number>;

export interface AccountListRow {
  id: string;
  name: string;
  ownerName: string | null;
  ownerEmail: string;
  team: string | null;
  state: HealthState;
  score: number;
  /** The points every reason took off, added up: past 100 when the score is stuck at 0. */
  riskPoints: number;
  openCases: number;
  openEscalations: number;
  /** ISO 8601. */
  updatedAt: string;
  meeting: { id: string; title: string | null; startsAt: string; kind: string | null } | null;
  /** Score changes since the trend's window start, and the last one before it, in no order. */
  scoreChanges: ScorePoint[];
}

/** The visibility rule needs these; the account page shows the rest. */
export interface AccountRow extends Account {
  leadEmail: string | null;
  memberEmails: string[];
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

/**
 * A timestamp as epoch milliseconds (what `Date` keeps of it): `pg` parses a timestamp's text
 * into a `Date` with a regular expression, which for the overview's two per row was 1.4–2.7 % of the
 * dashboard's CPU (docs/BENCHMARKS.md, "Dashboard API").
 */
const epochMs = (column: string): string => `floor(extract(epoch FROM ${column}) * 1000)::float8`;
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Where a state ranks in the risk order, loudest first. The index `account_health_at_risk` is on this expression of `state`. */
const riskRank = (state: string): string => `CASE ${state} WHEN 'firestorm' THEN 0 WHEN 'at_risk' THEN 1 WHEN 'watch' THEN 2 ELSE 3 END`;

/**
 * The order of the overview; "risk" puts the loudest state first, then the lowest score, then the
 * most risk points (two firestorms at 0/100: the one further past zero first).
 */
const ORDER_BY: Record<AccountSort, string> = {
  risk: `${riskRank('state')}, score, risk_points DESC, lower(name), id`,
  name: 'lower(name), id',
  updated: 'updated_at DESC, lower(name), id',
};

/** An overview row before its next meeting is looked up; `state` and `score` as the overview shows them. */
const LIST_COLUMNS = `a.id, a.name, a.owner_name, a.owner_email, a.team,
  COALESCE(h.state, 'healthy') AS state, COALESCE(h.score, 100)::int AS score, COALESCE(h.risk_points, 0)::int AS risk_points,
  COALESCE(h.open_cases, 0)::int AS open_cases, COALESCE(h.open_escalations, 0)::int AS open_escalations,
  GREATEST(a.updated_at, h.updated_at) AS updated_at`;

/**
 * How the list and the count join each account to its health (`h`). An admin's lists cover all
 * accounts, where PostgreSQL's hash join is right. Anyone else sees a team's accounts or fewer,
 * found through the visibility indexes; looking up each one's health by key is then ~3× faster
 * (a lead's page: 13 instead of 44 ms) than hashing all health rows or walking the risk index
 * checking visibility on the way, which is what PostgreSQL estimates to be cheaper. `OFFSET 0`
 * keeps the lookup per account.
 */
const healthJoin = (user: User): string =>
  user.role === 'admin'
    ? 'LEFT JOIN health.account_health_view h ON h.account_id = a.id'
    : `LEFT JOIN LATERAL (SELECT state, score, risk_points, open_cases, open_escalations, updated_at FROM health.account_health_view
                          WHERE account_id = a.id OFFSET 0) h ON TRUE`;

/**
 * The next meeting of each account of a page and its score changes for the overview's trend, then
 * the page in its order. Looked up after the page is cut, so for the page's accounts rather than
 * for every account the reader can see; in the same statement as the page, since a second round
 * trip for the trend was a third of the statements a lead's overview sent. `since` is the
 * parameter where the trend's window starts: the changes from there on and the last one before
 * (`trendWindowStart`), as `[epoch ms, score]` pairs (no timestamp to parse into a `Date`).
 */
const withNextMeetingAndTrend = (page: string, orderBy: string, since: string): string => `
  SELECT page.id, page.name, page.owner_name, page.owner_email, page.team, page.state, page.score, page.risk_points, page.open_cases, page.open_escalations,
         ${epochMs('page.updated_at')} AS updated_ms, m.meeting_id, m.meeting_title, ${epochMs('m.meeting_starts_at')} AS meeting_starts_ms, m.meeting_kind,
         (SELECT json_agg(json_build_array(${epochMs('t.at')}, t.score)) FROM (
            SELECT at, score FROM health.health_history_view WHERE account_id = page.id AND at >= ${since}
            UNION ALL
            (SELECT at, score FROM health.health_history_view WHERE account_id = page.id AND at < ${since} ORDER BY at DESC, id DESC LIMIT 1)
          ) t) AS score_changes
  FROM (${page}) page
  LEFT JOIN LATERAL (
    SELECT id AS meeting_id, title AS meeting_title, starts_at AS meeting_starts_at, kind AS meeting_kind FROM health.meetings_view
    WHERE account_id = page.id AND NOT cancelled AND starts_at > now() ORDER BY starts_at LIMIT 1
  ) m ON TRUE
  ORDER BY ${orderBy}`;

/** The trend's window start as the statement's last parameter. */
const sinceParam = (params: unknown[], since: Date): string => {
  params.push(since);
  return `$${params.length}::timestamptz`;
};

/**
 * The conditions on `health.accounts_view a` for who may see what and the filters but the state, and
 * the state filter as a parameter: each query writes it on the column it can estimate best.
 */
function filterSql(user: User, filters: AccountFilters): { params: unknown[]; where: string[]; states: string | null } {
  const params: unknown[] = [];
  const where = [visibilitySql(user, params)];
  let states: string | null = null;
  if (filters.states.length) {
    params.push(filters.states);
    states = `$${params.length}::text[]`;
  }
  if (filters.team) {
    params.push(filters.team.toLowerCase());
    where.push(`lower(a.team) = $${params.length}`);
  }
  if (filters.owner) {
    params.push(filters.owner.toLowerCase());
    where.push(`lower(a.owner_email) = $${params.length}`);
  }
  if (filters.q) {
    params.push(likePattern(filters.q));
    const p = `$${params.length}`;
    where.push(`(a.name ILIKE ${p} OR a.id ILIKE ${p} OR a.owner_name ILIKE ${p} OR EXISTS (SELECT 1 FROM unnest(a.domains) d WHERE d ILIKE ${p}))`);
  }
  return { params, where, states };
}

/** The risk order on the columns account-health keeps for it, as the at-risk indexes hold them. */
const RISK_ORDER_OF_HEALTH = `${riskRank('h.state')}, h.score, h.risk_points DESC, h.sort_name, h.account_id`;
/** The rows of the at-risk indexes (migration OverviewRiskOrder1765190000000): not healthy at full score. */
const AT_RISK = `(h.state <> 'healthy' OR h.score < 100)`;

/**
 * How the rows a risk-order statement reads are written into its text. Prepared, they are rounded
 * up to a multiple of 64, at most 2,048 (past page 20 of 100, or two pages of 1,000): at most 32
 * texts for each kind of reader and filters, and a generic plan that knows how few rows it reads
 * keeps reading them from the indexes in order. Past that the statement is planned each time and
 * reads exactly the rows it needs.
 */
function rowsToRead(page: AccountPage): { read: number; prepared: boolean } {
  const needed = page.offset + page.limit + 1;
  const rounded = Math.ceil(needed / 64) * 64;
  return rounded <= 2048 ? { read: rounded, prepared: true } : { read: needed, prepared: false };
}

/**
 * A page of the overview in risk order read from the at-risk indexes alone, or null when the
 * filters need the full query (a rep's or lead's list by team, owner or words). An admin's: the
 * at-risk index joined to the accounts for the filters. Anyone else's: the first rows of each way
 * they see accounts (their team's and those they lead: an index each; the few they own or are a
 * member of through the accounts' indexes), merged; an account seen two ways is listed once.
 *
 * Sent as a prepared statement (`queryPrepared`; planning was 1.9 ms of the lead's 4.1 ms): the
 * page's limit and offset are parameters, the rows read up to the page's end part of the text
 * (`rowsToRead`). The accounts a reader owns or is on come as an array from a subquery: PostgreSQL
 * cannot estimate the e-mail's containment in the members without its value, and would otherwise
 * find the generic plan too dear and plan every run.
 */
function riskiestFirst(user: User, filters: AccountFilters, page: AccountPage): { sql: string; params: unknown[]; prepared: boolean } | null {
  const { read, prepared } = rowsToRead(page);
  const slice = (params: unknown[]) => {
    params.push(page.limit + 1, page.offset);
    return `LIMIT $${params.length - 1} OFFSET $${params.length}`;
  };
  if (user.role === 'admin') {
    const { params, where, states } = filterSql(user, filters);
    return {
      prepared,
      sql: `SELECT * FROM (
              SELECT ${LIST_COLUMNS} FROM health.account_health_view h JOIN health.accounts_view a ON a.id = h.account_id
              WHERE ${[...where, ...(states ? [`h.state = ANY(${states})`] : []), AT_RISK].join(' AND ')}
              ORDER BY ${RISK_ORDER_OF_HEALTH} LIMIT ${read}) ranked
            ORDER BY ${ORDER_BY.risk} ${slice(params)}`,
      params,
    };
  }
  if (filters.team || filters.owner || filters.q) return null;
  const params: unknown[] = [];
  const { onHealth, onAccount } = visibilityKeySql(user, params);
  let states = '';
  if (filters.states.length) {
    params.push(filters.states);
    states = ` AND h.state = ANY($${params.length}::text[])`;
  }
  const columns = `h.account_id, ${riskRank('h.state')} AS rank, h.score, h.risk_points, h.sort_name`;
  const ways = [
    ...onHealth.map((seen) => `(SELECT ${columns} FROM health.account_health_view h WHERE ${seen} AND ${AT_RISK}${states} ORDER BY ${RISK_ORDER_OF_HEALTH} LIMIT ${read})`),
    `(SELECT ${columns} FROM health.account_health_view h
      WHERE h.account_id = ANY(ARRAY(SELECT a.id FROM health.accounts_view a WHERE ${onAccount})) AND ${AT_RISK}${states} ORDER BY ${RISK_ORDER_OF_HEALTH} LIMIT ${read})`,
  ];
  return {
    prepared,
    sql: `SELECT ${LIST_COLUMNS}
          FROM (SELECT account_id FROM (${ways.join(' UNION ')}) seen ORDER BY rank, score, risk_points DESC, sort_name, account_id ${slice(params)}) chosen
          JOIN health.accounts_view a ON a.id = chosen.account_id JOIN health.account_health_view h ON h.account_id = chosen.account_id`,
    params,
  };
}

/** The SQL behind the overview and the account page, over account-health's read views (`health.*_view`). */
@Injectable()
export class AccountsReadModel {
  constructor(private readonly txHost: TxHost) {}

  private get db() {
    return this.txHost.tx;
  }

  /**
   * The page of accounts the user can see that match the filters, in the filters' order, each
   * with its score changes since `trendSince` and the last one before. One row more than
   * `page.limit` is read (and returned) when there is one: then there is a next page.
   */
  async list(user: User, filters: AccountFilters, page: AccountPage, trendSince = trendWindowStart(new Date())): Promise<AccountListRow[]> {
    const { params, where, states } = filterSql(user, filters);
    const slice = `LIMIT ${page.limit + 1} OFFSET ${page.offset}`;
    type Row = {
      id: string; name: string; owner_name: string | null; owner_email: string; team: string | null; state: HealthState; score: number; risk_points: number;
      open_cases: number; open_escalations: number; updated_ms: number; meeting_id: string | null; meeting_title: string | null; meeting_starts_ms: number | null; meeting_kind: string | null;
      score_changes: [number, number][] | null;
    };
    let rows: Row[] = [];
    // Every account that is not healthy at full score comes before every one that is (an account
    // without a health row is healthy at 100). When a page of those is visible, it is the page: the
    // at-risk indexes yield them in risk order, so PostgreSQL reads the rows up to the page's end
    // instead of joining and sorting every account the reader can see. When fewer come back, the
    // page reaches past them, and the query below reads it.
    const riskiest = filters.sort === 'risk' ? riskiestFirst(user, filters, page) : null;
    if (riskiest) {
      const sql = withNextMeetingAndTrend(riskiest.sql, ORDER_BY.risk, sinceParam(riskiest.params, trendSince));
      rows = riskiest.prepared ? await queryPrepared<Row>(this.db, sql, riskiest.params) : await this.db.query(sql, riskiest.params);
    }
    if (rows.length <= page.limit) {
      const since = sinceParam(params, trendSince);
      rows = await this.db.query(
        withNextMeetingAndTrend(
          `SELECT * FROM (SELECT ${LIST_COLUMNS} FROM health.accounts_view a ${healthJoin(user)}
                          WHERE ${[...where, ...(states ? [`COALESCE(h.state, 'healthy') = ANY(${states})`] : [])].join(' AND ')}) listed
           ORDER BY ${ORDER_BY[filters.sort]} ${slice}`,
          ORDER_BY[filters.sort],
          since,
        ),
        params,
      );
    }
    return rows.map((r) => ({
      id: r.id, name: r.name, ownerName: r.owner_name, ownerEmail: r.owner_email, team: r.team, state: r.state, score: r.score, riskPoints: r.risk_points,
      openCases: r.open_cases, openEscalations: r.open_escalations, updatedAt: new Date(r.updated_ms).toISOString(),
      meeting: r.meeting_id && r.meeting_starts_ms !== null ? { id: r.meeting_id, title: r.meeting_title, startsAt: new Date(r.meeting_starts_ms).toISOString(), kind: r.meeting_kind } : null,
      scoreChanges: (r.score_changes ?? []).map(([at, score]) => ({ at, score })),
    }));
  }

  /** How many accounts the user can see match the filters, by state (the page's tally and total). */
  async countByState(user: User, filters: AccountFilters): Promise<StateCounts> {
    const { params, where, states } = filterSql(user, filters);
    const rows: { state: HealthState; n: number }[] = await this.db.query(
      `SELECT COALESCE(h.state, 'healthy') AS state, count(*)::int AS n FROM health.accounts_view a ${healthJoin(user)}
       WHERE ${[...where, ...(states ? [`COALESCE(h.state, 'healthy') = ANY(${states})`] : [])].join(' AND ')} GROUP BY 1`,
      params,
    );
    const counts: StateCounts = { healthy: 0, watch: 0, at_risk: 0, firestorm: 0 };
    for (const r of rows) counts[r.state] = r.n;
    return counts;
  }

  /** Teams and owners among the accounts a user can see, for the overview's filter form. */
  async filterOptions(user: User): Promise<FilterOptions> {
    const params: unknown[] = [];
    const where = visibilitySql(user, params);
    const teams: { team: string }[] = await this.db.query(`SELECT DISTINCT a.team FROM health.accounts_view a WHERE a.team IS NOT NULL AND ${where} ORDER BY a.team`, params);
    const owners: { name: string | null; email: string }[] = await this.db.query(
      `SELECT DISTINCT ON (lower(a.owner_email)) lower(a.owner_email) AS email, a.owner_name AS name FROM health.accounts_view a WHERE ${where} ORDER BY lower(a.owner_email), a.owner_name NULLS LAST`,
      params,
    );
    return { teams: teams.map((t) => t.team), owners: owners.sort((a, b) => (a.name ?? a.email).localeCompare(b.name ?? b.email)) };
  }

  async account(id: string): Promise<AccountRow | null> {
    const rows: {
      id: string; name: string; owner_name: string | null; owner_email: string; lead_name: string | null; lead_email: string | null; members: { name?: string; email: string }[];
      team: string | null; tier: string | null; arr: string | null; renewal_date: string | null; timezone: string | null; domains: string[]; updated_at: Date;
    }[] = await this.db.query(
      'SELECT id, name, owner_name, owner_email, lead_name, lead_email, members, team, tier, arr, renewal_date, timezone, domains, updated_at FROM health.accounts_view WHERE id = $1',
      [id],
    );
    const r = rows[0];
    if (!r) return null;
    const members = Array.isArray(r.members) ? r.members.filter((m) => typeof m?.email === 'string') : [];
    return {
      id: r.id, name: r.name,
      owner: { name: r.owner_name, email: r.owner_email },
      lead: r.lead_email ? { name: r.lead_name, email: r.lead_email } : null,
      members: members.map((m) => ({ name: m.name ?? null, email: m.email })),
      team: r.team, tier: r.tier, arr: r.arr === null ? null : Number(r.arr), renewalDate: r.renewal_date, timezone: r.timezone, domains: r.domains ?? [],
      updatedAt: r.updated_at.toISOString(),
      leadEmail: r.lead_email, memberEmails: members.map((m) => m.email),
    };
  }

  async health(accountId: string): Promise<AccountHealth | null> {
    const rows: { score: number; state: HealthState; reasons: HealthReason[]; risk_points: number; open_cases: number; open_escalations: number; updated_at: Date }[] = await this.db.query(
      'SELECT score, state, reasons, risk_points, open_cases, open_escalations, updated_at FROM health.account_health_view WHERE account_id = $1',
      [accountId],
    );
    const r = rows[0];
    return r ? { score: r.score, state: r.state, reasons: r.reasons ?? [], riskPoints: r.risk_points, openCases: r.open_cases, openEscalations: r.open_escalations, updatedAt: r.updated_at.toISOString() } : null;
  }

  /** Open cases first (worst first), then the recently closed ones. */
  async cases(accountId: string, limit = 100): Promise<CaseSummary[]> {
    const rows: {
      id: string; title: string | null; url: string | null; severity: number | null; status: string; escalation_level: number; product: string | null; assignee: string | null;
      opened_at: Date | null; last_activity_at: Date | null; resolved_at: Date | null; is_open: boolean;
      handoffs: number; reopen_count: number; sla_breaches: number; rejections: number;
    }[] = await this.db.query(
      `SELECT id, title, url, severity, status, escalation_level, product, assignee, opened_at, last_activity_at, resolved_at, is_open,
              handoffs, reopen_count, sla_breaches, rejections
       FROM health.cases_view WHERE account_id = $1
       ORDER BY is_open DESC, CASE WHEN is_open THEN severity END NULLS LAST, CASE WHEN is_open THEN escalation_level END DESC,
                COALESCE(resolved_at, last_activity_at) DESC NULLS LAST, id
       LIMIT $2`,
      [accountId, limit],
    );
    return rows.map((r) => ({
      id: r.id, title: r.title, url: r.url, severity: r.severity, status: r.status, escalationLevel: r.escalation_level, product: r.product, assignee: r.assignee,
      openedAt: iso(r.opened_at), lastActivityAt: iso(r.last_activity_at), resolvedAt: iso(r.resolved_at), isOpen: r.is_open,
      handoffs: r.handoffs, reopenCount: r.reopen_count, slaBreaches: r.sla_breaches, rejections: r.rejections,
    }));
  }

  /** The account's events, newest first (by when they happened, then by arrival). */
  async events(accountId: string, limit = 100): Promise<{ type: string; time: Date; data: Record<string, unknown> }[]> {
    return this.db.query(
      `SELECT type, time, data FROM health.events_view WHERE account_id = $1 ORDER BY time DESC, seq DESC LIMIT $2`,
      [accountId, limit],
    );
  }

  /** Upcoming meetings first (soonest first), then the past ones (latest first). */
  async meetings(accountId: string, limit = 20): Promise<Meeting[]> {
    // customerPeople: filled in by AccountsService, which knows who our own people are.
    const rows: { id: string; title: string | null; starts_at: Date | null; ends_at: Date | null; kind: string | null; organizer: Meeting['organizer']; attendees: Meeting['attendees']; cancelled: boolean; upcoming: boolean }[] =
      await this.db.query(
        `SELECT id, title, starts_at, ends_at, kind, organizer, attendees, cancelled, (starts_at > now()) AS upcoming
         FROM health.meetings_view WHERE account_id = $1 AND starts_at IS NOT NULL
         ORDER BY (starts_at > now()) DESC, CASE WHEN starts_at > now() THEN starts_at END, starts_at DESC
         LIMIT $2`,
        [accountId, limit],
      );
    return rows.map((r) => ({
      id: r.id, title: r.title, startsAt: (r.starts_at as Date).toISOString(), endsAt: iso(r.ends_at), kind: r.kind,
      organizer: r.organizer, attendees: Array.isArray(r.attendees) ? r.attendees : [], cancelled: r.cancelled, upcoming: r.upcoming, customerPeople: [],
    }));
  }

  /** Score changes, oldest first: those since `since` and the one before, which the window opens with. */
  async history(accountId: string, since: Date): Promise<HistoryEntry[]> {
    const rows: { at: Date; score: number; state: HealthState }[] = await this.db.query(
      `SELECT at, score, state FROM (
         SELECT id, at, score, state FROM health.health_history_view WHERE account_id = $1 AND at >= $2
         UNION ALL
         (SELECT id, at, score, state FROM health.health_history_view WHERE account_id = $1 AND at < $2 ORDER BY at DESC, id DESC LIMIT 1)
       ) h ORDER BY at, id`,
      [accountId, since],
    );
    return rows.map((r) => ({ at: r.at.toISOString(), score: r.score, state: r.state }));
  }
}
