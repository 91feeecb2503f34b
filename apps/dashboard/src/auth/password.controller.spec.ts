import { passwordChangeProblems } from './password.controller';

describe('a password change request', () => {
  it('is fine with the current password and a new one of eight characters or more, typed twice alike', () => {
    expect(passwordChangeProblems({ currentPassword: 'old secret', newPassword: 'new secret', repeatPassword: 'new secret' })).toEqual([]);
    expect(passwordChangeProblems({ currentPassword: 'old secret', newPassword: 'new secret' })).toEqual([]);
  });

  it('names each field that is missing or wrong', () => {
    expect(passwordChangeProblems({ currentPassword: '', newPassword: 'short', repeatPassword: 'other' })).toEqual([
      { field: 'currentPassword', message: 'is required' },
      { field: 'newPassword', message: 'must be at least 8 characters' },
      { field: 'repeatPassword', message: 'does not match the new password' },
    ]);
    expect(passwordChangeProblems({ currentPassword: 'x', newPassword: 42 })).toEqual([{ field: 'newPassword', message: 'is required' }]);
  });

  it('refuses a new password that is the current one', () => {
    expect(passwordChangeProblems({ currentPassword: 'same secret', newPassword: 'same secret' })).toEqual([
      { field: 'newPassword', message: 'must differ from the current password' },
    ]);
  });
});
