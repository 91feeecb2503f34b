import type { User } from '@forewarn/database';
import { InvalidParameter } from '../common/query-params';
import { accountsQueryString, parseAccountFilters, parseAccountPage } from './account-filters';

const riley: User = { email: 'riley@sales.example', name: 'Riley', role: 'rep', team: 'enterprise' };

describe('overview filters', () => {
  it('lists everything, riskiest first, when nothing is asked', () => {
    expect(parseAccountFilters({}, riley)).toEqual({ states: [], team: null, owner: null, q: null, sort: 'risk' });
  });

  it('reads a bookmarked "my team, at risk or worse"', () => {
    expect(parseAccountFilters({ state: 'at_risk,firestorm', team: 'enterprise' }, riley)).toMatchObject({ states: ['at_risk', 'firestorm'], team: 'enterprise' });
  });

  it('reads the state checkboxes of the form as repeated parameters', () => {
    expect(parseAccountFilters({ state: ['watch', 'at_risk'] }, riley).states).toEqual(['watch', 'at_risk']);
  });

  it('takes owner=me as the reader', () => {
    expect(parseAccountFilters({ owner: 'me' }, riley).owner).toBe('riley@sales.example');
  });

  it('names the parameter that is wrong', () => {
    expect(() => parseAccountFilters({ state: 'burning' }, riley)).toThrow(InvalidParameter);
    expect(() => parseAccountFilters({ sort: 'size' }, riley)).toThrow(expect.objectContaining({ parameter: 'sort' }));
  });

  it('reads a page: the first 100 unless limit (up to 1,000) and offset say otherwise', () => {
    expect(parseAccountPage({})).toEqual({ limit: 100, offset: 0 });
    expect(parseAccountPage({ limit: '1000', offset: '2000' })).toEqual({ limit: 1000, offset: 2000 });
    expect(() => parseAccountPage({ limit: '1001' })).toThrow(expect.objectContaining({ parameter: 'limit' }));
    expect(() => parseAccountPage({ limit: '0' })).toThrow(expect.objectContaining({ parameter: 'limit' }));
    expect(() => parseAccountPage({ offset: '-1' })).toThrow(expect.objectContaining({ parameter: 'offset' }));
  });

  it('writes the query of another page of the same list, leaving defaults out', () => {
    const filters = parseAccountFilters({ state: 'at_risk,firestorm', team: 'enterprise' }, riley);
    expect(accountsQueryString(filters, { limit: 100, offset: 200 })).toBe('?state=at_risk%2Cfirestorm&team=enterprise&offset=200');
    expect(accountsQueryString(parseAccountFilters({ sort: 'name' }, riley), { limit: 50, offset: 0 })).toBe('?sort=name&limit=50');
    expect(accountsQueryString(parseAccountFilters({}, riley), { limit: 100, offset: 0 })).toBe('');
  });
});
