import type { User } from '../dashboard/users.repository';
import { userAddEntries } from './user-changes';

const actor = 'cli:ops@host';
const riley: User = { email: 'riley@sales.example', name: 'Riley', role: 'rep', team: 'smb' };

describe('what the audit log says about `user add`', () => {
  it('records a new user with role and team, and whether a password was set — never the password', () => {
    const entries = userAddEntries(actor, null, riley, { passwordSet: true, sessionsEnded: 0 });
    expect(entries).toEqual([{ actor, action: 'user.added', target: 'riley@sales.example', details: { role: 'rep', team: 'smb', name: 'Riley', passwordSet: true } }]);
  });

  it('records a promotion and a team move as such, with from and to', () => {
    const entries = userAddEntries(actor, riley, { ...riley, role: 'admin', team: null }, { passwordSet: false, sessionsEnded: 0 });
    expect(entries.map((e) => [e.action, e.details])).toEqual([
      ['user.role_changed', { from: 'rep', to: 'admin' }],
      ['user.team_changed', { from: 'smb', to: null }],
      ['user.token_rotated', {}],
    ]);
  });

  it('records a new password and the sessions it ended', () => {
    const entries = userAddEntries(actor, riley, riley, { passwordSet: true, sessionsEnded: 2 });
    expect(entries.map((e) => [e.action, e.details])).toEqual([['user.password_set', { sessionsEnded: 2 }], ['user.token_rotated', {}]]);
  });
});
