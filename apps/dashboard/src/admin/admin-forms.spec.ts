import { parseGrace, parseInvite, parseNewSource } from './admin-forms';

describe('the admin forms', () => {
  it('read how long an old key keeps working, as the command line does', () => {
    expect(parseGrace('0')).toBe(0);
    expect(parseGrace('3s')).toBe(3_000);
    expect(parseGrace('24h')).toBe(86_400_000);
    expect(parseGrace('7d')).toBe(7 * 86_400_000);
    expect(parseGrace('31d')).toBeNull();
    expect(parseGrace('soon')).toBeNull();
    expect(parseGrace('5')).toBeNull();
  });

  it('give a new source what its kind can be for, narrowed by the boxes ticked, and refuse what it cannot be for', () => {
    expect(parseNewSource({ name: 'zendesk-eu', kind: 'zendesk' })).toEqual({ ok: true, value: { name: 'zendesk-eu', kind: 'zendesk', allow: ['cases'] } });
    expect(parseNewSource({ name: 'crm', kind: 'events', allow: ['accounts', 'meetings'] })).toEqual({ ok: true, value: { name: 'crm', kind: 'events', allow: ['accounts', 'meetings'] } });
    expect(parseNewSource({ name: 'zd', kind: 'zendesk', allow: 'accounts' })).toMatchObject({ ok: false, problem: 'A zendesk source can only send cases.' });
    expect(parseNewSource({ name: 'Bad Name', kind: 'events' })).toMatchObject({ ok: false });
  });

  it('invite someone by address with a role, and say what is missing', () => {
    expect(parseInvite({ email: ' Nina@Sales.example ', role: 'rep', team: 'enterprise', name: 'Nina' })).toEqual({ ok: true, value: { email: 'nina@sales.example', name: 'Nina', role: 'rep', team: 'enterprise' } });
    expect(parseInvite({ email: 'nina', role: 'rep' })).toMatchObject({ ok: false, problem: 'Enter the e-mail address to send the invitation to.' });
    expect(parseInvite({ email: 'nina@sales.example', role: 'boss' })).toMatchObject({ ok: false, problem: 'Choose a role.' });
  });
});
