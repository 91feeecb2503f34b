import { HEALTH_STATES } from '@forewarn/contracts';
import type { User } from '@forewarn/database';
import { integer, list, oneOf, type RawParam, text } from '../common/query-params';
import { queryString } from '../web/html';
import { ACCOUNT_SORTS, type AccountFilters, type AccountPage } from './accounts.read-model';

/** Accounts per overview page unless `limit` says otherwise, and the most one page may hold. */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/**
 * Reads `?state=&team=&owner=&q=&sort=` of the overview and `GET /api/accounts`. `state` may be
 * comma-separated or repeated; `owner=me` means the reader. Throws InvalidParameter naming the
 * parameter it cannot read.
 */
export function parseAccountFilters(query: Record<string, RawParam>, user: User): AccountFilters {
  const owner = text('owner', query.owner, 320);
  return {
    states: list('state', query.state, HEALTH_STATES),
    team: text('team', query.team),
    owner: owner?.toLowerCase() === 'me' ? user.email : owner,
    q: text('q', query.q),
    sort: oneOf('sort', query.sort, ACCOUNT_SORTS, 'risk'),
  };
}

/** Reads `?limit=&offset=`: the first DEFAULT_PAGE_SIZE accounts unless asked otherwise. */
export function parseAccountPage(query: Record<string, RawParam>): AccountPage {
  return {
    limit: integer('limit', query.limit, { min: 1, max: MAX_PAGE_SIZE }, DEFAULT_PAGE_SIZE),
    offset: integer('offset', query.offset, { min: 0, max: 10_000_000 }, 0),
  };
}

/** The query string that asks for this list and page (defaults left out): links to the pages next to it. */
export function accountsQueryString(filters: AccountFilters, page: AccountPage): string {
  return queryString({
    state: filters.states, team: filters.team, owner: filters.owner, q: filters.q, sort: filters.sort === 'risk' ? null : filters.sort,
    limit: page.limit === DEFAULT_PAGE_SIZE ? null : String(page.limit), offset: page.offset ? String(page.offset) : null,
  });
}
