import { safeNextPath, sessionCookieOptions } from './session-cookie';

describe('the session cookie', () => {
  it('is HttpOnly and SameSite=Lax, and Secure only over https', () => {
    expect(sessionCookieOptions('http://localhost:3000')).toEqual({ httpOnly: true, sameSite: 'lax', secure: false, path: '/' });
    expect(sessionCookieOptions('https://forewarn.example.com').secure).toBe(true);
  });

  it('expires with the session', () => {
    const expires = new Date('2026-12-08T00:00:00Z');
    expect(sessionCookieOptions('http://localhost:3000', expires).expires).toBe(expires);
  });
});

describe('where sign-in leads', () => {
  it('returns to the page the person asked for', () => {
    expect(safeNextPath('/accounts/acme')).toBe('/accounts/acme');
    expect(safeNextPath('/?state=at_risk,firestorm&team=enterprise')).toBe('/?state=at_risk,firestorm&team=enterprise');
  });

  it('never leads to another site', () => {
    for (const next of ['//evil.example', 'https://evil.example', '/\\evil.example', 'javascript:alert(1)', '/x\nLocation: //evil']) {
      expect(safeNextPath(next)).toBe('/');
    }
  });

  it('goes to the overview when nothing sensible was given', () => {
    expect(safeNextPath(undefined)).toBe('/');
    expect(safeNextPath(['/a'])).toBe('/');
    expect(safeNextPath('/login?next=/x')).toBe('/');
  });
});
