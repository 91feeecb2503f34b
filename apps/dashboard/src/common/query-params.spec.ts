import { boolean, integer, InvalidParameter, list, oneOf, text } from './query-params';

const STATES = ['healthy', 'watch', 'at_risk', 'firestorm'] as const;

const problemOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidParameter) return `${error.parameter}: ${error.problem}`;
    throw error;
  }
  return 'no problem';
};

describe('query parameters', () => {
  it('reads a comma-separated state filter, also written with spaces', () => {
    expect(list('state', 'at risk,firestorm', STATES)).toEqual(['at_risk', 'firestorm']);
    expect(list('state', ['watch', 'watch'], STATES)).toEqual(['watch']);
    expect(list('state', undefined, STATES)).toEqual([]);
    expect(list('kind', 'heads-up,All Clear', ['heads-up', 'all-clear'] as const)).toEqual(['heads-up', 'all-clear']);
  });

  it('names the parameter and the unknown value', () => {
    expect(problemOf(() => list('state', 'burning', STATES))).toBe('state: has unknown value "burning"; use healthy, watch, at_risk, firestorm');
  });

  it('takes one sort order and falls back to the default', () => {
    expect(oneOf('sort', undefined, ['risk', 'name'] as const, 'risk')).toBe('risk');
    expect(oneOf('sort', 'name', ['risk', 'name'] as const, 'risk')).toBe('name');
    expect(problemOf(() => oneOf('sort', 'name,risk', ['risk', 'name'] as const, 'risk'))).toMatch(/^sort: takes one value/);
  });

  it('refuses nested objects and overlong text', () => {
    expect(problemOf(() => text('q', { $ne: 1 } as never))).toBe('q: must be plain text');
    expect(problemOf(() => text('q', 'x'.repeat(201)))).toBe('q: must be at most 200 characters');
    expect(text('q', '  ')).toBeNull();
  });

  it('reads whole numbers within a range', () => {
    expect(integer('withinDays', '14', { min: 1, max: 365 }, 7)).toBe(14);
    expect(integer('withinDays', undefined, { min: 1, max: 365 }, 7)).toBe(7);
    expect(problemOf(() => integer('withinDays', 'soon', { min: 1, max: 365 }, 7))).toBe('withinDays: must be a whole number from 1 to 365');
    expect(problemOf(() => integer('withinDays', '0', { min: 1, max: 365 }, 7))).toBe('withinDays: must be from 1 to 365');
  });

  it('reads true and false', () => {
    expect(boolean('atRisk', 'true', false)).toBe(true);
    expect(boolean('atRisk', '0', true)).toBe(false);
    expect(boolean('atRisk', undefined, false)).toBe(false);
    expect(problemOf(() => boolean('atRisk', 'maybe', false))).toBe('atRisk: must be true or false');
  });
});
