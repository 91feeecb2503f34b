import { parseInboundEvent } from '@forewarn/contracts';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MapResult, WebhookKind } from './types';
import { WEBHOOK_VENDORS } from './vendors';

/*
 * Issue 14, as a property: a valid delivery of a known vendor with any one optional field removed
 * (or rendered empty, or null — what an unfilled placeholder gives) is never refused as invalid.
 * It maps to events the contract accepts, or is ignored with reasons. Only the fields that make a
 * body that vendor's format at all (below) may turn it into a 400.
 *
 * The deliveries are every fixture of every vendor (each built from the vendor's documented shapes;
 * see each fixtures/_sources.md).
 */

type Path = (string | number)[];

/** The fields without which a body is not the vendor's format: the only removals allowed to give `invalid`. */
const IDENTITY: Record<WebhookKind, (path: Path) => boolean> = {
  zendesk: (p) => (p.length === 1 && ['type', 'detail', 'ticket', 'zendesk'].includes(String(p[0]))) || p.join('.') === 'detail.id',
  jira: (p) => (p.length === 1 && ['webhookEvent', 'issue'].includes(String(p[0]))) || p.join('.') === 'issue.key',
  freshdesk: (p) => ['freshdesk_webhook', 'freshdesk_webhook.ticket_id', 'ticket', 'ticket.id'].includes(p.join('.')),
  servicenow: (p) => ['sys_id', 'result', 'result.sys_id'].includes(p.join('.')),
  intercom: (p) => ['topic', 'data', 'data.item', 'data.item.id'].includes(p.join('.')),
  salesforce: (p) => (p.length <= 1 && ['ChangeEventHeader', 'payload', 'attributes'].includes(String(p[p.length - 1] ?? '')))
    || ['payload.ChangeEventHeader'].includes(p.join('.')) || (p.length === 2 && typeof p[0] === 'number' && p[1] === 'attributes') || (p.length === 1 && typeof p[0] === 'number'),
};

function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...prefix, i], ...pathsOf(v, [...prefix, i])]);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
  return [];
}

function change(value: unknown, path: Path, how: 'remove' | 'blank' | 'null'): unknown {
  const copy = JSON.parse(JSON.stringify(value));
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key];
  const last = path[path.length - 1];
  if (how === 'remove') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else parent[last] = how === 'blank' ? '' : null;
  return copy;
}

const receivedAt = new Date('2025-06-01T00:00:00Z');
const KINDS: WebhookKind[] = ['zendesk', 'jira', 'freshdesk', 'servicenow', 'intercom', 'salesforce'];

function fixturesOf(kind: WebhookKind): { name: string; payload: unknown }[] {
  const dir = join(__dirname, kind, 'fixtures');
  return readdirSync(dir).filter((f) => f.endsWith('.json')).map((name) => ({ name, payload: JSON.parse(readFileSync(join(dir, name), 'utf8')) }));
}

function check(kind: WebhookKind, result: MapResult): void {
  if (result.status === 'invalid') throw new Error(`refused: ${JSON.stringify(result.errors)}`);
  if (result.status === 'ignored') {
    expect(result.ignored.length).toBeGreaterThan(0);
    return;
  }
  for (const event of result.events) {
    const valid = parseInboundEvent(event, { source: `/sources/${kind}-test`, receivedAt, refuseFuture: true });
    if (!valid.ok) throw new Error(`${event.type} breaks the contract: ${JSON.stringify(valid.errors)}`);
  }
}

describe.each(KINDS)('%s: a valid delivery with any optional field removed is never invalid', (kind) => {
  const vendor = WEBHOOK_VENDORS[kind];
  const map = (payload: unknown): MapResult => vendor.map(payload, { receivedAt, sourceName: `${kind}-test` });
  for (const { name, payload } of fixturesOf(kind)) {
    const paths = pathsOf(payload).filter((p) => !IDENTITY[kind](p));
    if (paths.length === 0) continue;
    it(name, () => {
      fc.assert(
        fc.property(fc.constantFrom(...paths), fc.constantFrom('remove' as const, 'blank' as const, 'null' as const), (path, how) => {
          const changed = change(payload, path, how);
          const first = map(changed);
          check(kind, first);
          // And the same delivery twice gives the same ids.
          const again = map(JSON.parse(JSON.stringify(changed)));
          if (first.status === 'mapped' && again.status === 'mapped') expect(again.events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
        }),
        { numRuns: Math.min(150, paths.length * 3), seed: 14 },
      );
    });
  }
});

describe('Salesforce outbound messages with any field of a notification removed', () => {
  const vendor = WEBHOOK_VENDORS.salesforce;
  const dir = join(__dirname, 'salesforce', 'fixtures');
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.xml'))) {
    it(name, () => {
      const parsed = vendor.parse?.(readFileSync(join(dir, name)), 'text/xml');
      if (!parsed?.ok) throw new Error('the fixture does not parse');
      const message = parsed.payload as { notifications: { fields: Record<string, unknown> }[] };
      const fields = message.notifications.flatMap((n, i) => Object.keys(n.fields).filter((f) => f !== 'Id').map((f) => [i, f] as const));
      fc.assert(fc.property(fc.constantFrom(...fields), ([i, f]) => {
        const copy = JSON.parse(JSON.stringify(message));
        delete copy.notifications[i].fields[f];
        check('salesforce', vendor.map(copy, { receivedAt, sourceName: 'salesforce-test' }));
      }), { numRuns: Math.min(100, fields.length * 2), seed: 14 });
    });
  }
});
