import { EVENT_TYPES, type EventType } from './inbound-events';
import { allowanceOf, disallowedEvents, narrowAllowance, parseAllowList } from './source-allowance';

const ofType = (...types: EventType[]) => types.map((type) => ({ type }));
const inBatch = (index: number) => `[${index}].type`;

describe('what a source may send', () => {
  it('sorts every event type under one allowance: cases, meetings or accounts — but the admin\'s own, which no source may send', () => {
    expect(EVENT_TYPES.filter((type) => allowanceOf(type) === null)).toEqual(['forewarn.account.reference_added']);
    expect(allowanceOf('forewarn.case.escalated')).toBe('cases');
    expect(allowanceOf('forewarn.survey.responded')).toBe('cases');
    expect(allowanceOf('forewarn.meeting.cancelled')).toBe('meetings');
    expect(allowanceOf('forewarn.account.upserted')).toBe('accounts');
  });

  it('refuses an account upsert from a cases-only source, naming its type and place in the batch', () => {
    const events = ofType('forewarn.case.opened', 'forewarn.survey.responded', 'forewarn.account.upserted');
    expect(disallowedEvents(events, ['cases'], 'zd', inBatch)).toEqual([
      { field: '[2].type', message: 'forewarn.account.upserted is not allowed for source "zd" (allows: cases)' },
    ]);
  });

  it('names every disallowed event, and none when the source may send everything', () => {
    const events = ofType('forewarn.meeting.scheduled', 'forewarn.case.opened', 'forewarn.account.upserted');
    expect(disallowedEvents(events, ['cases'], 'zd', (i) => `events[${i}].type`).map((e) => e.field)).toEqual(['events[0].type', 'events[2].type']);
    expect(disallowedEvents(events, ['cases', 'meetings', 'accounts'], 'crm', inBatch)).toEqual([]);
    expect(disallowedEvents(events, ['meetings', 'accounts', 'cases'], 'crm', inBatch)).toEqual([]);
  });

  it('refuses an account reference from every source, even one that may send everything: only admin commands produce it', () => {
    expect(disallowedEvents(ofType('forewarn.case.opened', 'forewarn.account.reference_added'), ['cases', 'meetings', 'accounts'], 'crm', inBatch)).toEqual([
      { field: '[1].type', message: 'forewarn.account.reference_added is not accepted from any source: only Forewarn\'s admin commands produce it' },
    ]);
  });
});

describe('a source\'s allowance from its kind and --allow', () => {
  const all = ['cases', 'meetings', 'accounts'] as const;

  it('is everything the kind can be for unless --allow narrows it', () => {
    expect(narrowAllowance('zendesk', ['cases'])).toEqual({ ok: true, allow: ['cases'] });
    expect(narrowAllowance('events', all)).toEqual({ ok: true, allow: ['cases', 'meetings', 'accounts'] });
    expect(narrowAllowance('events', all, parseAllowList('accounts, Cases,cases'))).toEqual({ ok: true, allow: ['cases', 'accounts'] });
  });

  it('never widens beyond what the kind can be: a helpdesk cannot be allowed accounts', () => {
    expect(narrowAllowance('zendesk', ['cases'], ['cases', 'accounts'])).toEqual({ ok: false, message: 'a zendesk source can only be allowed cases, not accounts' });
  });

  it('refuses unknown or no allowances', () => {
    expect(narrowAllowance('events', all, ['cases', 'tickets'])).toEqual({ ok: false, message: '--allow takes cases, meetings, accounts, not "tickets"' });
    expect(narrowAllowance('events', all, parseAllowList(' , '))).toMatchObject({ ok: false, message: expect.stringContaining('at least one') });
  });
});
