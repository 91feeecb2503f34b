import fc from 'fast-check';
import { z } from 'zod';
import { dataSchemaFor, envelopeSchema, EVENT_TYPES } from './inbound-events';
import { compileUnchangedCheck } from './unchanged-check';

describe('compileUnchangedCheck', () => {
  it('says yes only to values zod accepts and returns unchanged', () => {
    const check = compileUnchangedCheck(z.object({ id: z.string().trim().min(1), email: z.string().toLowerCase().email().optional(), n: z.number().int().max(3) }));
    expect(check({ id: 'a', n: 3 })).toBe(true);
    expect(check({ id: 'a', email: 'x@example.com', n: 0 })).toBe(true);
    expect(check({ id: ' a', n: 3 })).toBe(false); // zod would trim it
    expect(check({ id: 'a', email: 'X@example.com', n: 3 })).toBe(false); // zod would lower-case it
    expect(check({ id: 'a', email: 'not an email', n: 3 })).toBe(false);
    expect(check({ id: 'a', n: 3.5 })).toBe(false);
    expect(check({ id: 'a', n: 3, extra: 1 })).toBe(false); // zod would strip it
    expect(check({ id: 'a' })).toBe(false);
    expect(check(JSON.parse('{"id":"a","n":1,"__proto__":{}}'))).toBe(false);
  });

  it('keeps passthrough keys, leaves defaults and transforms to zod', () => {
    expect(compileUnchangedCheck(z.object({ a: z.string() }).passthrough())({ a: 'x', b: [1] })).toBe(true);
    const withDefault = compileUnchangedCheck(z.object({ list: z.array(z.string()).default([]) }));
    expect(withDefault({ list: [] })).toBe(true);
    expect(withDefault({})).toBe(false);
    expect(compileUnchangedCheck(z.string().transform((s) => s))('x')).toBe(false);
    expect(compileUnchangedCheck(z.string().toLowerCase())('Acme')).toBe(false);
    const upToTwo = compileUnchangedCheck(z.array(z.number()).max(2));
    expect([upToTwo([1, 2]), upToTwo([1, 2, 3]), upToTwo([1, 'x'])]).toEqual([true, false, false]);
  });

  it('runs refinements and unions as zod does', () => {
    const refined = compileUnchangedCheck(z.object({ a: z.number().optional(), b: z.number().optional() }).refine((v) => v.a !== undefined || v.b !== undefined));
    expect(refined({ a: 1 })).toBe(true);
    expect(refined({})).toBe(false);
    const either = compileUnchangedCheck(z.string().date().or(z.string().regex(/^\d{4}-\d{2}-\d{2}T/)));
    expect(either('2026-12-01')).toBe(true);
    expect(either('2026-12-01T10:00:00Z')).toBe(true);
    expect(either('tomorrow')).toBe(false);
    // The first option would change the value, so the second one never gets the chance.
    expect(compileUnchangedCheck(z.string().trim().or(z.string()))(' x ')).toBe(false);
  });
});

/** Valid events of every type, each field in canonical form. */
const samples: Array<Record<string, unknown>> = EVENT_TYPES.map((type, i) => {
  const account = { id: 'acme', domain: 'acme.com', externalId: '360001', name: 'Acme Corp' };
  const data =
    type === 'forewarn.account.upserted'
      ? { id: 'acme', name: 'Acme', domains: ['acme.com'], externalRefs: [{ source: 'crm', id: '1' }], owner: { name: 'O', email: 'o@acme.com' }, team: 't', lead: { email: 'l@acme.com' }, members: [{ email: 'm@acme.com' }], tier: 'gold', arr: 1000, renewalDate: '2027-01-31', timezone: 'UTC' }
      : type === 'forewarn.account.reference_added'
        ? { accountId: 'acme', domains: ['acme.io'], externalRefs: [{ source: 'zendesk-eu', id: '360001' }], group: 'domain:acme.io', by: 'cli:ops@host' }
      : type.startsWith('forewarn.meeting.')
        ? { account, meeting: { id: 'm1', title: 'QBR', startsAt: '2026-12-02T10:00:00Z', endsAt: '2026-12-02T11:00:00+01:00', kind: 'qbr', organizer: { name: 'Rep', email: 'rep@vendor.com' }, attendees: [{ name: 'Dana', email: 'dana@acme.com' }] } }
        : { account, case: { id: 'ZD-1', title: 'Down', url: 'https://acme.zendesk.com/1', severity: 1, status: 'open', escalationLevel: 2, product: 'Payments' }, actor: { type: 'customer', name: 'Dana', email: 'dana@acme.com' }, reason: 'r', comment: { public: true, excerpt: 'e' }, assignee: { id: 'a-1', name: 'Sam' }, survey: { kind: 'nps', score: 10, comment: 'c' } };
  return { specversion: '1.0', id: `ev-${i}`, type, time: '2026-11-25T09:00:00Z', subject: 's', data };
});

const checkEnvelope = compileUnchangedCheck(envelopeSchema);
const checkData = new Map(EVENT_TYPES.map((type) => [type, compileUnchangedCheck(dataSchemaFor(type))]));

/** What parseInboundEvent's fast path decides, and what zod says about the same event. */
const fastPathTakes = (event: Record<string, unknown>): boolean =>
  checkEnvelope(event) && (checkData.get(event.type as (typeof EVENT_TYPES)[number])?.(event.data) ?? false);
const zodResult = (event: Record<string, unknown>): { ok: boolean; value?: unknown } => {
  const envelope = envelopeSchema.safeParse(event);
  if (!envelope.success) return { ok: false };
  const data = dataSchemaFor(envelope.data.type).safeParse(envelope.data.data);
  return data.success ? { ok: true, value: { ...envelope.data, data: data.data } } : { ok: false };
};

// JSON copies, made in this realm (jest's structuredClone makes objects of another realm).
const copy = <T>(value: T): T => (value === undefined ? value : JSON.parse(JSON.stringify(value)));

const pathsOf = (value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> => {
  if (typeof value !== 'object' || value === null) return [prefix];
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [prefix, ...keys.flatMap((k) => pathsOf((value as Record<string | number, unknown>)[k], [...prefix, k]))];
};

// Mostly small, plausible edits (so that many edited events are still valid), sometimes any JSON.
const replacements = fc.oneof(
  { arbitrary: fc.constantFrom(undefined, '', 'x', ' x', 'x ', 'X', 'x@acme.com', 'X@acme.com', 'acme.COM', 'x'.repeat(201), 'https://x.org', 'javascript:alert(1)', 'ftp://x.org', 'HTTP://X.ORG/a', ' https://x.org', -1, 0, 1, 2.5, 3, 4, 5, 11, true, '2026-12-01', '2026-13-01', '2026-11-25T09:00:00', '2026-11-25T09:00:00.123+02:00', 'nps', 'csat', 'open', 'agent', '1.0', null, [], {}), weight: 8 },
  { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 },
);
const edit = fc.tuple(fc.nat(), replacements, fc.nat(9).map((n) => n === 0)); // [which path, new value, add a key instead]

describe('the fast path of parseInboundEvent', () => {
  it('takes every canonical sample', () => {
    for (const sample of samples) expect([sample.type, fastPathTakes(sample)]).toEqual([sample.type, true]);
  });

  it('is taken only where zod accepts and returns an equal event', () => {
    let taken = 0;
    fc.assert(
      fc.property(fc.nat(samples.length - 1), fc.array(edit, { minLength: 1, maxLength: 3 }), (index, edits) => {
        const event = copy(samples[index]);
        for (const [at, replacement, addKey] of edits) {
          const paths = pathsOf(event).filter((p) => p.length > 0);
          const path = paths[at % paths.length];
          const parent = path.slice(0, -1).reduce<Record<string | number, unknown>>((o, k) => o[k] as Record<string | number, unknown>, event);
          const key = addKey && !Array.isArray(parent) ? 'unknownField' : path[path.length - 1];
          if (replacement === undefined && !addKey) delete parent[key];
          else parent[key] = copy(replacement);
        }
        if (!fastPathTakes(event)) return;
        taken += 1;
        const zod = zodResult(event);
        expect(zod.ok).toBe(true);
        expect(zod.value).toEqual(event);
      }),
      { numRuns: 3000 },
    );
    expect(taken).toBeGreaterThan(200); // the edits leave many events valid, so the property is not vacuous
  });
});
