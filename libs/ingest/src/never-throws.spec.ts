import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MapResult, WebhookKind } from './types';
import { WEBHOOK_VENDORS } from './vendors';

/*
 * A mapper is the first code to read a hostile body: whatever a (correctly signed) delivery holds,
 * it answers mapped, ignored or invalid, and never throws (a throw is a 500 at the gateway).
 * Exhaustive rather than sampled: every fixture of every vendor, every path in it, replaced by
 * each value below. The first one is the classic: an object whose `toString`/`valueOf` are not
 * functions, so `String(value)` or `${value}` on it throws.
 */
const HOSTILE: unknown[] = [
  { toString: [], valueOf: [] },
  { toString: 'x', valueOf: {}, toJSON: 1, constructor: 'x', hasOwnProperty: 1 },
  {},
  [],
  [[[]]],
  [{ toString: [] }],
  null,
  true,
  -1,
  1e308,
  '',
  '{{ticket.id}}',
  'x'.repeat(10_000),
  '\u0000\ud800',
];

type Path = (string | number)[];

function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...prefix, i], ...pathsOf(v, [...prefix, i])]);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
  return [];
}

/** The payload with `path` set to `replacement`, built the way a JSON body parses (own keys, no prototype tricks). */
function replaced(payload: unknown, path: Path, replacement: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(payload));
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key];
  parent[path[path.length - 1]] = JSON.parse(JSON.stringify(replacement));
  return copy;
}

const receivedAt = new Date('2025-06-01T00:00:00Z');
const KINDS = Object.keys(WEBHOOK_VENDORS) as WebhookKind[];

describe.each(KINDS)('%s: any value at any path of a delivery maps, is ignored or is refused, and never throws', (kind) => {
  const vendor = WEBHOOK_VENDORS[kind];
  const dir = join(__dirname, kind, 'fixtures');
  const fixtures = readdirSync(dir).filter((f) => f.endsWith('.json'));
  const map = (payload: unknown): MapResult => vendor.map(payload, { receivedAt, sourceName: `${kind}-test` });

  it.each(fixtures)('%s', (name) => {
    const payload = JSON.parse(readFileSync(join(dir, name), 'utf8')) as unknown;
    const failures: string[] = [];
    for (const value of [payload, ...HOSTILE]) {
      for (const path of value === payload ? [[]] : [[], ...pathsOf(payload)]) {
        const body = path.length === 0 ? (value === payload ? payload : JSON.parse(JSON.stringify(value))) : replaced(payload, path, value);
        try {
          const result = map(body);
          if (!['mapped', 'ignored', 'invalid'].includes(result.status)) failures.push(`${path.join('.')} = ${JSON.stringify(value).slice(0, 40)}: status ${result.status}`);
        } catch (error) {
          failures.push(`${path.join('.') || '(body)'} = ${JSON.stringify(value).slice(0, 40)}: ${(error as Error).message}`);
        }
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
  });
});
