import { Problem } from '@forewarn/service-kit';
import { jsonDepth, MAX_JSON_DEPTH, parseJsonBody } from './request-body';

describe('reading a JSON body', () => {
  it('measures nesting, ignoring brackets inside strings', () => {
    expect(jsonDepth('{"a":[1,{"b":"[[[{"}]}')).toBe(3);
    expect(jsonDepth('"just a string with \\" and ["')).toBe(0);
  });

  it('refuses bodies nested deeper than any real event with a 400, not a crash later', () => {
    const deep = `${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`;
    expect(() => parseJsonBody(Buffer.from(deep))).toThrow(Problem);
    expect(parseJsonBody(Buffer.from('{"ok":[1,2]}'))).toEqual({ ok: [1, 2] });
  });
});
