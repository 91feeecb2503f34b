import { InvalidParameter } from '../common/query-params';
import { nextPageLink, parseAuditQuery } from './audit.controller';

const now = new Date('2026-03-10T12:00:00Z');

describe('the audit log query', () => {
  it('reads every filter, and gives 100 entries by default', () => {
    expect(parseAuditQuery({}, now)).toEqual({ limit: 100 });
    expect(parseAuditQuery({ action: 'user.', actor: 'cli:ops@host', since: '24h', limit: '20', before: '981' }, now)).toEqual({
      action: 'user.', actor: 'cli:ops@host', since: new Date('2026-03-09T12:00:00Z'), limit: 20, before: '981',
    });
  });

  it('names the parameter that is wrong', () => {
    const named = (query: Record<string, string>) => {
      try {
        parseAuditQuery(query, now);
        return null;
      } catch (error) {
        return (error as InvalidParameter).parameter;
      }
    };
    expect(named({ since: 'last tuesday' })).toBe('since');
    expect(named({ limit: '0' })).toBe('limit');
    expect(named({ limit: '1001' })).toBe('limit');
    expect(named({ before: 'abc' })).toBe('before');
    expect(named({ action: "user'; drop" })).toBe('action');
  });

  it('links the next page with the same filters and the relative time fixed', () => {
    const query = parseAuditQuery({ action: 'user.', since: '1d', limit: '2' }, now);
    expect(nextPageLink(query, '40')).toBe('</api/audit?action=user.&since=2026-03-09T12%3A00%3A00.000Z&limit=2&before=40>; rel="next"');
  });
});
