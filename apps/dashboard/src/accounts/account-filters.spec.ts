import type { User } from '@forewarn/database';
import { InvalidParameter } from '../common/query-params';
import { parseAccountFilters } from './account-filters';

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
});
