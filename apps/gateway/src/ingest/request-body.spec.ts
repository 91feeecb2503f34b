import { Problem } from '@forewarn/service-kit';
import { MAX_JSON_DEPTH, nestsDeeperThan, parseJsonBody } from './request-body';

describe('reading a JSON body', () => {
  it('measures nesting of arrays and objects, not of brackets inside strings', () => {
    const threeDeep = JSON.parse('{"a":[1,{"b":"[[[{"}]}');
    expect([nestsDeeperThan(threeDeep, 2), nestsDeeperThan(threeDeep, 3)]).toEqual([true, false]);
    expect(nestsDeeperThan(JSON.parse('[[[]]]'), 2)).toBe(true);
    expect(nestsDeeperThan('just a string with " and [', 0)).toBe(false);
  });

  it('refuses bodies nested deeper than any real event with a 400, not a crash later', () => {
    const deep = `${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`;
    expect(() => parseJsonBody(Buffer.from(deep))).toThrow(Problem);
    expect(parseJsonBody(Buffer.from('{"ok":[1,2]}'))).toEqual({ ok: [1, 2] });
    const deepest = `${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`;
    expect(() => parseJsonBody(Buffer.from(deepest))).not.toThrow();
  });
});
