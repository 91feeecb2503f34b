import type { AlertRaised } from '@forewarn/contracts';
import type { CurrentHealth } from '@forewarn/database';
import { digestRecipients } from './digest-recipients';

const alertAbout = (id: string, account: Partial<AlertRaised['data']['account']>): AlertRaised => ({
  specversion: '1.0', type: 'forewarn.alert.raised', id: `alert-${id}`, source: '/forewarn/account-health', time: '2026-11-25T08:00:00Z',
  data: {
    kind: 'heads-up',
    account: { id, name: `${id} Corp`, owner: { name: 'Riley', email: 'riley@sales.example' }, lead: null, members: [], team: null, timezone: null, ...account },
    state: 'at_risk', previousState: 'watch', score: 50, reasons: [], openCases: [], nextMeeting: null,
  },
});

const health = (accountId: string, nextMeeting: CurrentHealth['nextMeeting'] = null): CurrentHealth => ({
  accountId, state: 'at_risk', score: 41, why: 'A severe case is open', openCases: 2, nextMeeting,
});

describe('who gets a digest', () => {
  it('gives each lead one digest of their unhealthy accounts, in the zone they set or else the account’s', () => {
    const lead = { name: 'Morgan', email: 'Morgan@Sales.example' };
    const alerts = [alertAbout('acme', { lead, timezone: 'Europe/Berlin' }), alertAbout('globex', { lead })];
    const meeting = { title: 'QBR', startsAt: new Date('2026-11-26T10:00:00Z') };
    const [morgan, ...others] = digestRecipients(alerts, [health('acme', meeting), health('globex')], new Set(), new Map());
    expect(others).toEqual([]);
    expect(morgan).toMatchObject({ email: 'morgan@sales.example', name: 'Morgan', timeZone: 'Europe/Berlin' });
    expect(morgan.accounts).toEqual([
      { id: 'acme', name: 'acme Corp', state: 'at_risk', score: 41, why: 'A severe case is open', openCases: 2, nextMeeting: { title: 'QBR', startsAt: '2026-11-26T10:00:00.000Z' } },
      expect.objectContaining({ id: 'globex', nextMeeting: null }),
    ]);
    expect(digestRecipients(alerts, [health('acme')], new Set(), new Map([['morgan@sales.example', 'Asia/Tokyo']]))[0].timeZone).toBe('Asia/Tokyo');
  });

  it('adds owners and members who asked for digests, and leaves out accounts without an alert', () => {
    const alerts = [alertAbout('acme', { members: [{ name: 'Jo', email: 'jo@sales.example' }, { email: 'kim@sales.example' }] })];
    const people = digestRecipients(alerts, [health('acme'), health('initech')], new Set(['riley@sales.example', 'kim@sales.example']), new Map());
    expect(people.map((p) => [p.email, p.timeZone, p.accounts.map((a) => a.id)])).toEqual([
      ['riley@sales.example', 'UTC', ['acme']],
      ['kim@sales.example', 'UTC', ['acme']],
    ]);
  });
});
