import { accountRef, csatScore, email, eventId, eventTime, excerpt, httpUrl, ignored, mapped, stableId, str, toIsoTime, vendorTime } from './common';
import { escalationFromTags, tagList } from './escalation';

describe('ingest helpers', () => {
  it('reads the times vendors send, and gives up on garbage so the caller can use the receipt time', () => {
    expect(toIsoTime('2025-01-08T16:45:20.987654321Z')).toBe('2025-01-08T16:45:20.987Z');
    expect(toIsoTime('2013-12-12T05:35Z')).toBe('2013-12-12T05:35:00.000Z');
    expect(toIsoTime('2025-01-08T15:05:30.123+0100')).toBe('2025-01-08T14:05:30.123Z');
    expect(toIsoTime('2025-01-08 09:12:07')).toBe('2025-01-08T09:12:07.000Z');
    expect(toIsoTime(1736327527481)).toBe('2025-01-08T09:12:07.481Z');
    expect(toIsoTime(1736327527)).toBe('2025-01-08T09:12:07.000Z');
    expect(toIsoTime('1736327527481')).toBe('2025-01-08T09:12:07.481Z');
    for (const bad of ['', 'yesterday', '{{ticket.updated_at}}', '2025-13-45T99:99Z', null, -1, {}]) expect(toIsoTime(bad)).toBeUndefined();
  });

  it('reads times as helpdesk placeholders render them, in the source\'s zone when they carry none', () => {
    expect(vendorTime('Thu, 9 Jan, 2025 at 2:05 PM')).toBe('2025-01-09T14:05:00.000Z');
    expect(vendorTime('Thu, 9 Jan, 2025 at 2:05 PM', 'Asia/Kolkata')).toBe('2025-01-09T08:35:00.000Z');
    expect(vendorTime('Jan 09, 2025 02:05 PM', 'America/New_York')).toBe('2025-01-09T19:05:00.000Z');
    expect(vendorTime('July 4, 2025 9:00', 'America/New_York')).toBe('2025-07-04T13:00:00.000Z');
    expect(vendorTime('09-01-2025 14:05 +0530')).toBe('2025-01-09T08:35:00.000Z');
    expect(vendorTime('2025-01-09 14:05:11 (GMT+05:30) Chennai')).toBe('2025-01-09T08:35:11.000Z');
    expect(vendorTime('2025-01-09 14:05:11', 'Europe/Berlin')).toBe('2025-01-09T13:05:11.000Z');
    expect(vendorTime('2025-01-09 14:05:11')).toBe('2025-01-09T14:05:11.000Z');
    expect(vendorTime('2025-01-09T14:05:11Z', 'Europe/Berlin')).toBe('2025-01-09T14:05:11.000Z');
    expect(vendorTime('09 Jan 2025 14:05 Europe/Berlin')).toBe('2025-01-09T13:05:00.000Z');
    for (const bad of ['31 Feb 2025 10:00', '13:00', 'Thu, 9 Smarch, 2025', '13 PM', '2025-01-09 25:00']) expect(vendorTime(bad)).toBeUndefined();
    const context = { receivedAt: new Date('2025-02-01T00:00:00Z'), settings: { timezone: 'Asia/Kolkata' } };
    expect(eventTime(context, undefined, '{{ticket.modified_on}}', 'Thu, 9 Jan, 2025 at 2:05 PM')).toBe('2025-01-09T08:35:00.000Z');
    expect(eventTime(context, 'garbage')).toBe('2025-02-01T00:00:00.000Z');
  });

  it('answers a delivery that yields nothing with its reasons, and one that yields events with the parts it left out', () => {
    expect(ignored('a', 'b')).toEqual({ status: 'ignored', reason: 'a; b', ignored: [{ reason: 'a' }, { reason: 'b' }] });
    expect(mapped([], [])).toEqual({ status: 'ignored', reason: 'The delivery changed nothing Forewarn tracks', ignored: [{ reason: 'The delivery changed nothing Forewarn tracks' }] });
    const event = { specversion: '1.0' as const, id: 'x', type: 'forewarn.case.updated' as const, time: '2025-01-01T00:00:00Z', data: {} };
    expect(mapped([event], ['left out', 'left out', undefined])).toEqual({ status: 'mapped', events: [event], ignored: [{ reason: 'left out' }] });
  });

  it('treats blanks, dashes and unrendered placeholders as missing', () => {
    expect([str(' x '), str(''), str('-'), str('{{ticket.id}}'), str(42), str(null), str('null')]).toEqual(['x', undefined, undefined, undefined, '42', undefined, undefined]);
  });

  it('keeps only real email addresses and http(s) URLs', () => {
    expect([email('Dana@Acme.COM'), email('not an email'), email('{{ticket.requester.email}}')]).toEqual(['dana@acme.com', undefined, undefined]);
    expect([httpUrl('acme.zendesk.com/agent/tickets/1'), httpUrl('javascript:alert(1)'), httpUrl('https://x.example/a b')]).toEqual(['https://acme.zendesk.com/agent/tickets/1', undefined, 'https://x.example/a%20b']);
  });

  it('makes plain-text excerpts of HTML comments', () => {
    expect(excerpt('<div>Still <b>failing</b>&nbsp;&amp; slow.<br>Please call.</div>')).toBe('Still failing & slow.\nPlease call.');
    expect(excerpt('x'.repeat(20), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(excerpt('<p> </p>')).toBeUndefined();
  });

  it('resolves the account by business domain, then organisation, then anything that keeps the event visible', () => {
    expect(accountRef({ orgId: '360001', orgName: 'Acme', requesterEmail: 'dana@acme.com' })).toEqual({ domain: 'acme.com', externalId: '360001', name: 'Acme' });
    expect(accountRef({ orgId: '360001', requesterEmail: 'dana@gmail.com' })).toEqual({ externalId: '360001' });
    // Updated for issue 14: a public mailbox domain is never an account's domain; the requester keeps the event visible.
    expect(accountRef({ orgId: '0', requesterEmail: 'dana@gmail.com' })).toEqual({ externalId: 'requester:dana@gmail.com' });
    expect(accountRef({ crmId: '001A', orgId: '7', orgName: 'Acme', requesterEmail: 'dana@acme.com' })).toEqual({ id: '001A', domain: 'acme.com', externalId: '7', name: 'Acme' });
    expect(accountRef({ requesterId: '8447' })).toEqual({ externalId: 'requester:8447' });
    expect(accountRef({})).toBeUndefined();
  });

  it('builds stable ids, hashed when too long', () => {
    expect(stableId('zd', '1', { a: 1 })).toBe(stableId('zd', '1', { a: 1 }));
    expect(stableId('zd', '1', { a: 1 })).not.toBe(stableId('zd', '1', { a: 2 }));
    expect(eventId('jira', '10042', '10301', 'priority')).toBe('jira-10042-10301-priority');
    expect(eventId('jira', 'x'.repeat(300)).length).toBeLessThanOrEqual(200);
  });

  it('reads CSAT from words and scales', () => {
    expect(["Bad, I'm unsatisfied", 'Good, I’m satisfied', 'good', 3, '5', 103, -103, 100, 'Extremely unhappy', 'Neutral', 'Offered', 7].map(csatScore)).toEqual([1, 5, 5, 3, 5, 5, 1, 3, 1, 3, undefined, undefined]);
  });

  it('reads escalation from tags', () => {
    expect(escalationFromTags(['checkout', 'escalated'])).toBe(1);
    expect(escalationFromTags(['escalation_level_2'])).toBe(2);
    expect(escalationFromTags(['esc-3', 'escalated'])).toBe(3);
    expect(escalationFromTags(['vip'])).toBe(0);
    expect(escalationFromTags(undefined)).toBeUndefined();
    expect(tagList('checkout escalated,vip')).toEqual(['checkout', 'escalated', 'vip']);
    expect(tagList('{{ticket.tags}}')).toBeUndefined();
  });
});
