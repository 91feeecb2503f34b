import { accountKeyOf, capFutureTime, parseInboundEvent } from './inbound-events';

const receivedAt = new Date('2026-11-25T10:00:00Z');
const stamp = { source: '/sources/zendesk-eu', receivedAt };
const caseOpened = (data: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  specversion: '1.0', id: 'ev-1', type: 'forewarn.case.opened', time: '2026-11-25T09:00:00Z', data, ...extra,
});

describe('inbound event contract', () => {
  it('takes an admin\'s account reference with a domain or an external id, keyed by its account, and names what is missing', () => {
    const reference = (data: Record<string, unknown>) => ({ specversion: '1.0', id: 'ref-1', type: 'forewarn.account.reference_added', data });
    const added = parseInboundEvent(reference({ accountId: 'acme', domains: ['Acme-Labs.io'], group: 'domain:acme-labs.io', by: 'cli:ops@host' }), { source: '/forewarn/admin', receivedAt });
    expect(added.ok && added.value.data).toEqual({ accountId: 'acme', domains: ['acme-labs.io'], externalRefs: [], group: 'domain:acme-labs.io', by: 'cli:ops@host' });
    expect(added.ok && accountKeyOf(added.value)).toBe('acme');
    expect(parseInboundEvent(reference({ accountId: 'acme' }), { source: '/forewarn/admin', receivedAt })).toEqual({ ok: false, errors: [{ field: 'data', message: 'needs at least one of domains, externalRefs' }] });
  });

  it('accepts a valid case event and stamps the authenticated source over whatever the body said', () => {
    const result = parseInboundEvent(caseOpened({ account: { id: 'acme' }, case: { id: 'ZD-1', severity: 1 } }, { source: '/spoofed' }), stamp);
    expect(result.ok && result.value).toMatchObject({ source: '/sources/zendesk-eu', time: '2026-11-25T09:00:00Z', forewarnreceivedat: receivedAt.toISOString() });
  });

  it('gives the same event whether zod had to normalise it or not', () => {
    const canonical = caseOpened({ account: { id: 'acme', domain: 'acme.com' }, case: { id: 'ZD-1' } }, { subject: 'x', extension: { a: 1 } });
    const untidy = caseOpened({ account: { id: ' acme ', domain: 'ACME.com', unknown: 1 }, case: { id: 'ZD-1' } }, { subject: 'x', extension: { a: 1 } });
    const expected = { ...canonical, source: '/sources/zendesk-eu', forewarnreceivedat: receivedAt.toISOString() };
    expect(parseInboundEvent(canonical, stamp)).toEqual({ ok: true, value: expected });
    expect(parseInboundEvent(untidy, stamp)).toEqual({ ok: true, value: expected });
    expect(parseInboundEvent(canonical, { receivedAt })).toEqual({ ok: false, errors: [{ field: 'source', message: 'is required' }] });
  });

  it('uses the time of receipt when the sender gave no event time', () => {
    const result = parseInboundEvent({ ...caseOpened({ account: { id: 'acme' }, case: { id: 'ZD-1' } }), time: undefined }, stamp);
    expect(result.ok && result.value.time).toBe(receivedAt.toISOString());
  });

  it('names the missing case id', () => {
    const result = parseInboundEvent(caseOpened({ account: { id: 'acme' }, case: { title: 'x' } }), stamp);
    expect(result).toEqual({ ok: false, errors: [{ field: 'data.case.id', message: 'is required' }] });
  });

  it('needs some way to find the account', () => {
    const result = parseInboundEvent(caseOpened({ account: { name: 'Acme' }, case: { id: 'ZD-1' } }), stamp);
    expect(result.ok ? [] : result.errors).toEqual([{ field: 'data.account', message: 'needs at least one of id, domain, externalId' }]);
  });

  it('checks ranges: severity 1–4, CSAT 1–5', () => {
    const severity = parseInboundEvent(caseOpened({ account: { id: 'a' }, case: { id: 'c', severity: 7 } }), stamp);
    expect(severity.ok ? [] : severity.errors).toEqual([{ field: 'data.case.severity', message: 'must be at most 4' }]);
    const survey = parseInboundEvent({ ...caseOpened({ account: { id: 'a' }, survey: { kind: 'csat', score: 9 } }), type: 'forewarn.survey.responded' }, stamp);
    expect(survey.ok ? [] : survey.errors).toEqual([{ field: 'data.survey.score', message: 'must be 1 to 5 for csat' }]);
  });

  it('takes http and https links to a case, and refuses javascript:, data:, file: and other schemes', () => {
    const withUrl = (url: string) => parseInboundEvent(caseOpened({ account: { id: 'a' }, case: { id: 'c', url } }), stamp);
    expect(withUrl('https://acme.zendesk.com/agent/tickets/4711').ok).toBe(true);
    expect(withUrl('http://helpdesk.internal/4711').ok).toBe(true);
    for (const url of ['javascript:alert(1)', 'JavaScript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd', 'ftp://acme.com/x', ' javascript:alert(1)', 'https://', 'not a url']) {
      expect([url, withUrl(url)]).toEqual([url, { ok: false, errors: [{ field: 'data.case.url', message: 'must be an http or https URL' }] }]);
    }
  });

  it('refuses, when asked to, an event dated more than 5 minutes ahead of the receiver\'s clock, naming time', () => {
    const at = (time: string, prefix = '') => parseInboundEvent({ ...caseOpened({ account: { id: 'a' }, case: { id: 'c' } }), time }, { ...stamp, refuseFuture: true }, prefix);
    expect(at('2026-11-25T10:05:00Z').ok).toBe(true);
    expect(at('2026-11-25T11:04:59+01:00').ok).toBe(true);
    expect(at('2026-11-25T10:05:00.001Z')).toEqual({ ok: false, errors: [{ field: 'time', message: "must not be more than 5 minutes ahead of the gateway's clock (2026-11-25T10:00:00.000Z)" }] });
    expect(at('2026-11-27T10:00:00Z', '[3]')).toMatchObject({ ok: false, errors: [{ field: '[3].time' }] });
    // Around the limit, to the millisecond, whichever way the time is written.
    expect(['2026-11-25T10:04:59.999Z', '2026-11-25T10:05:00Z', '2026-11-25T10:05:00.000Z', '2026-11-25T09:05:00-01:00', '2025-12-31T23:59:59Z'].map((t) => at(t).ok)).toEqual([true, true, true, true, true]);
    expect(['2026-11-25T10:05:00.001Z', '2026-11-25T10:05:01Z', '2026-11-25T11:05:01+01:00', '2026-11-25T09:05:01-01:00', '2027-01-01T00:00:00Z'].map((t) => at(t).ok)).toEqual([false, false, false, false, false]);
    // A consumer re-validating does not refuse: what is on the topic was accepted (it caps the time instead).
    expect(parseInboundEvent({ ...caseOpened({ account: { id: 'a' }, case: { id: 'c' } }), time: '2026-11-27T10:00:00Z' }, stamp).ok).toBe(true);
  });

  it('orders an event dated beyond the skew at its receipt time, keeping what it claimed', () => {
    const parsed = parseInboundEvent({ ...caseOpened({ account: { id: 'a' }, case: { id: 'c' } }), time: '2026-11-27T10:00:00Z' }, stamp);
    if (!parsed.ok) throw new Error('expected valid');
    expect(capFutureTime(parsed.value, receivedAt.getTime())).toMatchObject({ time: receivedAt.toISOString(), forewarnclaimedtime: '2026-11-27T10:00:00Z' });
    const near = { ...parsed.value, time: '2026-11-25T10:04:00Z' };
    expect(capFutureTime(near, receivedAt.getTime())).toBe(near);
  });

  it('prefixes fields with the batch index', () => {
    const result = parseInboundEvent({ specversion: '1.0', id: 'x', type: 'forewarn.nope', data: {} }, stamp, '[3]');
    expect(result.ok ? [] : result.errors.map((e) => e.field)).toEqual(['[3].type']);
  });

  it('rejects what is not an object', () => {
    expect(parseInboundEvent([1, 2], stamp)).toEqual({ ok: false, errors: [{ field: '(body)', message: 'must be a CloudEvent JSON object' }] });
  });

  it('requires startsAt for a scheduled meeting but not for a cancellation', () => {
    const base = { specversion: '1.0', id: 'm', data: { account: { id: 'a' }, meeting: { id: 'm1' } } };
    const scheduled = parseInboundEvent({ ...base, type: 'forewarn.meeting.scheduled' }, stamp);
    expect(scheduled.ok ? [] : scheduled.errors).toEqual([{ field: 'data.meeting.startsAt', message: 'is required' }]);
    expect(parseInboundEvent({ ...base, type: 'forewarn.meeting.cancelled' }, stamp).ok).toBe(true);
  });

  it('keeps the gateway receipt time when a consumer re-validates', () => {
    const first = parseInboundEvent(caseOpened({ account: { id: 'acme' }, case: { id: 'ZD-1' } }), stamp);
    if (!first.ok) throw new Error('expected valid');
    const again = parseInboundEvent(JSON.parse(JSON.stringify(first.value)), { receivedAt: new Date() });
    expect(again).toEqual(first);
  });

  it('keys events by the account they are about', () => {
    const parse = (data: Record<string, unknown>, type = 'forewarn.case.opened') => {
      const result = parseInboundEvent({ ...caseOpened(data), type }, stamp);
      if (!result.ok) throw new Error(JSON.stringify(result.errors));
      return accountKeyOf(result.value);
    };
    expect(parse({ account: { id: 'acme', domain: 'acme.com' }, case: { id: 'c' } })).toBe('acme');
    expect(parse({ account: { domain: 'ACME.com' }, case: { id: 'c' } })).toBe('domain:acme.com');
    expect(parse({ account: { externalId: '360001' }, case: { id: 'c' } })).toBe('external:360001');
    expect(parse({ id: 'acme', name: 'Acme', owner: { email: 'o@acme.com' } }, 'forewarn.account.upserted')).toBe('acme');
  });
});
