import { validEvents } from '../testing';
import type { MapResult } from '../types';
import { mapZendesk } from './zendesk.mapper';
// Sources: fixtures/_sources.md (Zendesk's ticket events reference, its placeholders, Prismatic's published sample).
import csat from './fixtures/event-csat-received.json';
import escalationField from './fixtures/event-custom-field-changed-escalation.json';
import otherField from './fixtures/event-custom-field-changed-other.json';
import group from './fixtures/event-group-assignment-changed.json';
import minimal from './fixtures/event-ticket-created-minimal.json';
import ownKeysEscalation from './fixtures/trigger-own-keys-escalation-tags.json';
import ownKeysSatisfaction from './fixtures/trigger-own-keys-satisfaction.json';

const receivedAt = new Date('2025-01-20T12:00:00Z');
const map = (payload: unknown): MapResult => mapZendesk(JSON.parse(JSON.stringify(payload)), { receivedAt });
const events = (result: MapResult) => validEvents(result, receivedAt);

describe('Zendesk, as documented (issue 14)', () => {
  it('reads a trigger whose JSON uses Zendesk\'s placeholders under the admin\'s own keys: the rating is a survey, not an update', () => {
    const result = events(map(ownKeysSatisfaction));
    expect(result.map((e) => e.type)).toEqual(['forewarn.survey.responded']);
    expect(result[0]).toMatchObject({
      time: '2025-01-10T09:30:00.000Z',
      subject: 'ZD-5158',
      data: {
        account: { domain: 'acme.com', name: 'Acme Corp' },
        case: { id: 'ZD-5158', url: 'https://acme-support.zendesk.com/agent/tickets/5158', status: 'solved', severity: 2, escalationLevel: 0 },
        survey: { kind: 'csat', score: 1, comment: 'Nobody listened until we threatened to leave.' },
        actor: { type: 'customer', name: 'Dana Lee', email: 'dana.lee@acme.com' },
      },
    });
  });

  it('reads the ticket\'s tags with an escalation tag as the escalation (once per level), besides the update', () => {
    const result = events(map(ownKeysEscalation));
    expect(result.map((e) => e.type)).toEqual(['forewarn.case.updated', 'forewarn.case.escalated']);
    expect(result[1]).toMatchObject({ data: { account: { domain: 'acme.com', externalId: '360001', name: 'Acme Corp' }, case: { escalationLevel: 2, severity: 1 }, reason: 'Tagged escalation_level_2 in Zendesk' } });
    const later = JSON.parse(JSON.stringify(ownKeysEscalation));
    later.zendesk.updated = '2025-01-09T08:00:00Z';
    expect(events(map(later))[1].id).toBe(result[1].id);
  });

  it('maps group reassignment, an escalation custom field, and a CSAT answer; ignores other custom fields with a reason', () => {
    expect(events(map(group))[0]).toMatchObject({ type: 'forewarn.case.updated', data: { reason: 'Moved to group 360004567899' } });
    expect(events(map(escalationField))[0]).toMatchObject({ type: 'forewarn.case.escalated', data: { case: { escalationLevel: 2 }, reason: 'Escalation level: level_2' } });
    expect(map(otherField)).toMatchObject({ status: 'ignored', ignored: [{ reason: expect.stringContaining('"Region" is not a field Forewarn tracks') }] });
    expect(events(map(csat))[0]).toMatchObject({ type: 'forewarn.survey.responded', data: { survey: { kind: 'csat', score: 1, comment: 'Nobody listened until we threatened to leave.' } } });
  });

  it('answers a minimal ticket.created that names nobody with a reason, not a refusal', () => {
    expect(map(minimal)).toMatchObject({ status: 'ignored', ignored: [{ reason: expect.stringContaining('names no organisation or requester') }] });
  });
});
