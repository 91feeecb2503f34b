import { validEvents } from '../testing';
import type { MapResult } from '../types';
import { mapServiceNow } from './servicenow.mapper';
// Sources: fixtures/_sources.md (ServiceNow's Table API record format, with and without display values).
import plainCase from './fixtures/table-api-case-plain.json';
import incident from './fixtures/table-api-incident-display-all.json';

const receivedAt = new Date('2025-01-20T12:00:00Z');
const map = (payload: unknown): MapResult => mapServiceNow(JSON.parse(JSON.stringify(payload)), { receivedAt });
const events = (result: MapResult) => validEvents(result, receivedAt);

describe('ServiceNow Table API records, as business rules post them (issue 14)', () => {
  it('reads { result: { field: { display_value, value } } }: a resolved, escalated incident as state, with ids that repeat', () => {
    const result = events(map(incident));
    expect(result.map((e) => e.type)).toEqual(['forewarn.case.resolved', 'forewarn.case.escalated']);
    expect(result[0]).toMatchObject({
      id: 'sn-9d385017c611228701d22104cc95c371-resolved-2025-01-08_12:05:02',
      time: '2025-01-08T12:05:02.000Z',
      data: {
        account: { domain: 'initech.com', externalId: '31bea3d53790200044e0bfc8bcbe5dec', name: 'Initech' },
        case: { id: 'INC0010042', title: 'VPN drops every 10 minutes', severity: 1, status: 'solved', escalationLevel: 2, url: 'https://acme.service-now.com/nav_to.do?uri=incident.do?sys_id=9d385017c611228701d22104cc95c371' },
        reason: 'Replaced the faulty VPN concentrator.',
      },
    });
    expect(events(map(incident)).map((e) => e.id)).toEqual(result.map((e) => e.id));
  });

  it('reads a plain record with reference fields; sys_mod_count 0 is the insert', () => {
    expect(events(map(plainCase))[0]).toMatchObject({
      type: 'forewarn.case.opened',
      time: '2025-01-08T09:12:07.000Z',
      data: { account: { externalId: '86837a386f0331003b3c498f5d3ee4ca' }, case: { id: 'CS0001042', status: 'open', severity: 2, escalationLevel: 0 } },
    });
  });
});
