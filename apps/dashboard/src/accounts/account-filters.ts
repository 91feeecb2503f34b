import { HEALTH_STATES } from '@forewarn/contracts';
import type { User } from '@forewarn/database';
import { list, oneOf, type RawParam, text } from '../common/query-params';
import { ACCOUNT_SORTS, type AccountFilters } from './accounts.query';

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
