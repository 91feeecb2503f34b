import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileMapping, describeMappingError, MappingCache, runMapping, testMapping } from './mapping';
import agentLogin from './fixtures/agent-login.json';
import csat from './fixtures/csat-submitted.json';
import commented from './fixtures/ticket-commented.json';
import created from './fixtures/ticket-created.json';
import reopened from './fixtures/ticket-reopened.json';

const KESTREL = readFileSync(join(__dirname, 'fixtures', 'kestrel-desk.jsonata'), 'utf8');
const receivedAt = new Date('2025-03-06T12:00:00Z');
const input = { receivedAt, source: 'kestrel' };

describe('declarative mappings (JSONata) for systems without an adapter', () => {
  it('maps an imaginary helpdesk ticket to a valid case.opened with the vendor time', async () => {
    const report = await testMapping(KESTREL, created, input);
    expect(report).toMatchObject({ status: 'ok', errors: [] });
    expect(report.events).toEqual([
      {
        specversion: '1.0',
        id: 'evt_01JNKD8812A',
        source: '/sources/kestrel',
        type: 'forewarn.case.opened',
        time: '2025-03-04T09:15:00.000Z',
        forewarnreceivedat: receivedAt.toISOString(),
        subject: 'KD-8812',
        data: {
          account: { domain: 'acme.com', externalId: 'co_2231', name: 'Acme Corp' },
          case: { id: 'KD-8812', title: 'SSO login loops back to the sign-in page', url: 'https://acme.kestreldesk.example/t/8812', severity: 1, status: 'open', escalationLevel: 0, product: 'Identity' },
          actor: { type: 'customer', name: 'Dana Lee', email: 'dana.lee@acme.com' },
        },
      },
    ]);
  });

  it('lets one delivery yield several events (a customer reopen is also a rejected resolution)', async () => {
    const report = await testMapping(KESTREL, reopened, input);
    expect(report.status).toBe('ok');
    expect(report.events.map((e) => [e.id, e.type])).toEqual([
      ['evt_01JNKD8812F', 'forewarn.case.reopened'],
      ['evt_01JNKD8812F-rejected', 'forewarn.case.resolution_rejected'],
    ]);
    expect(report.events[0].data).toMatchObject({ case: { escalationLevel: 1, status: 'open' }, actor: { type: 'customer' } });
  });

  it('maps comments and satisfaction surveys', async () => {
    const comment = await testMapping(KESTREL, commented, input);
    expect(comment.events[0]).toMatchObject({ type: 'forewarn.case.commented', data: { comment: { public: true, excerpt: expect.stringContaining('EU office') }, actor: { type: 'customer' } } });
    const survey = await testMapping(KESTREL, csat, input);
    expect(survey.events[0]).toMatchObject({ type: 'forewarn.survey.responded', data: { survey: { kind: 'csat', score: 2 }, case: { status: 'solved' } } });
  });

  it('treats a mapping that returns nothing as an ignored delivery', async () => {
    expect(await testMapping(KESTREL, agentLogin, input)).toMatchObject({ status: 'ignored', events: [], ignored: 'the mapping produced no event for this delivery' });
    const compiled = compileMapping('[]');
    if (!compiled.ok) throw new Error('compiles');
    expect(await runMapping(compiled.mapping, {}, input)).toMatchObject({ status: 'ignored' });
  });

  it('names the field when the mapped event breaks the contract', async () => {
    const withoutRequester = { ...created, ticket: { ...created.ticket, requester: { name: 'Dana' }, company: null, number: 8812, priority: 'P9' } };
    const report = await testMapping(KESTREL, withoutRequester, input);
    expect(report.status).toBe('invalid');
    expect(report.errors).toEqual([{ field: 'events[0].data.account', message: 'needs at least one of id, domain, externalId' }]);

    const badTypes = await testMapping('{ "type": "case.exploded", "data": { "account": { "id": 42 }, "case": { "id": "x", "severity": 7 } } }', {}, input);
    expect(badTypes.errors).toEqual([{ field: 'events[0].type', message: expect.stringContaining('must be one of forewarn.case.opened') }]);
    const badData = await testMapping('{ "type": "case.opened", "data": { "account": { "id": 42 }, "case": { "id": "x", "severity": 7 } } }', {}, input);
    expect(badData.errors).toEqual([
      { field: 'events[0].data.account.id', message: 'must be a string, not number' },
      { field: 'events[0].data.case.severity', message: 'must be at most 4' },
    ]);
    const notAnEvent = await testMapping('[{ "type": "case.opened" }, "hello"]', {}, input);
    expect(notAnEvent).toMatchObject({ status: 'invalid', errors: [{ field: 'events[1]', message: 'must be an event object, not string' }] });
  });

  it('reports syntax errors and runtime errors with JSONata code and position', async () => {
    const syntax = await testMapping('{\n  "type": "case.opened",\n  "data": { "case": }\n}', {}, input);
    expect(syntax).toMatchObject({ status: 'syntax_error', error: { code: 'S0211', token: '}', at: '3:21' } });
    expect(describeMappingError(syntax.error!)).toMatch(/^S0211 at 3:21: The symbol "}" cannot be used as a unary operator/);

    const thrown = await testMapping('ticket.number + " is not a number"', created, input);
    expect(thrown).toMatchObject({ status: 'failed', error: { code: 'T2002', message: expect.stringContaining('must evaluate to a number') } });
    const explicit = await testMapping('event = "ticket.created" ? $error("unsupported: " & event)', created, input);
    expect(explicit).toMatchObject({ status: 'failed', error: { code: 'D3137', message: 'unsupported: ticket.created' } });
  });

  it('stops a mapping that never ends', async () => {
    const report = await testMapping('($loop := function($n) { $loop($n + 1) }; $loop(0))', {}, input);
    expect(report.status).toBe('failed');
    expect(['D1011', 'D1012']).toContain(report.error?.code);
  });

  it('fills in specversion, the forewarn. prefix, a deterministic id and the receipt time', async () => {
    const mapping = '{ "type": "case.updated", "data": { "account": { "domain": $domain(who) }, "case": { "id": $string(n), "title": title, "url": link } } }';
    const payload = { who: 'Ops@Globex.io', n: 7, title: null, link: '' };
    const first = await testMapping(mapping, payload, input);
    const again = await testMapping(mapping, payload, { ...input, receivedAt: new Date('2025-03-07T00:00:00Z') });
    expect(first.errors).toEqual([]);
    expect(first.events[0]).toMatchObject({ specversion: '1.0', type: 'forewarn.case.updated', time: receivedAt.toISOString(), data: { account: { domain: 'globex.io' }, case: { id: '7' } } });
    // Nulls and blank strings count as absent, as webhooks send them for "not set".
    expect(first.events[0].data).toEqual({ account: { domain: 'globex.io' }, case: { id: '7' } });
    expect(first.events[0].id).toMatch(/^mapped-kestrel-[0-9a-f]{32}$/);
    expect(again.events[0].id).toBe(first.events[0].id);
    const other = await testMapping(mapping, { ...payload, n: 8 }, input);
    expect(other.events[0].id).not.toBe(first.events[0].id);
  });

  it('binds $source, $receivedAt and $headers (never credentials), and offers $id and $time', async () => {
    const compiled = compileMapping('{ "s": $source, "r": $receivedAt, "h": $headers, "id": $id(a, b), "t": $time("2025-03-04 09:15:00"), "ms": $time(1741079700000) }');
    if (!compiled.ok) throw new Error(describeMappingError(compiled.error));
    const outcome = await runMapping(compiled.mapping, { a: 1, b: 'x' }, { ...input, headers: { 'X-Kestrel-Event': 'ticket.created', Authorization: 'Bearer secret', cookie: 'c' } });
    if (outcome.status !== 'mapped') throw new Error(JSON.stringify(outcome));
    expect(outcome.events[0]).toMatchObject({ s: 'kestrel', r: receivedAt.toISOString(), h: { 'x-kestrel-event': 'ticket.created' }, t: '2025-03-04T09:15:00.000Z', ms: '2025-03-04T09:15:00.000Z' });
    expect((outcome.events[0] as unknown as { h: Record<string, string> }).h).not.toHaveProperty('authorization');
    expect((outcome.events[0] as unknown as { id: string }).id).toMatch(/^kestrel-[0-9a-f]{32}$/);
  });

  it('compiles each mapping text once', () => {
    const cache = new MappingCache(2);
    const first = cache.get('$');
    expect(cache.get('$')).toBe(first);
    expect(cache.get('(').ok).toBe(false);
    cache.get('$$');
    expect(cache.get('$')).not.toBe(first);
    expect(compileMapping('  ')).toEqual({ ok: false, error: { code: 'F0001', message: 'The mapping is empty.' } });
  });
});

describe('mappings over hostile payloads', () => {
  it('refuses to return a value nested thousands deep (instead of overflowing the stack later)', async () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 5_000; i += 1) deep = [deep];
    const report = await testMapping('{ "type": "case.opened", "data": { "account": { "id": "a" }, "case": { "id": "c" } }, "ext": x }', { x: deep }, input);
    expect(report).toMatchObject({ status: 'failed', error: { code: 'F0002' } });
    // A mapping that does not copy the deep value maps the same payload fine.
    expect((await testMapping('{ "type": "case.opened", "data": { "account": { "id": "a" }, "case": { "id": $string(n) } } }', { n: 1, x: deep }, input)).status).toBe('ok');
  });
});
