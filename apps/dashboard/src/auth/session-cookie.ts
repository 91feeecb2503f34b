import type { CookieOptions } from 'express';

export const SESSION_COOKIE = 'fw_session';

/** HttpOnly, SameSite=Lax, and Secure whenever the dashboard is served over https. */
export function sessionCookieOptions(publicUrl: string, expiresAt?: Date): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    secure: publicUrl.startsWith('https:'),
    path: '/',
    ...(expiresAt ? { expires: expiresAt } : {}),
  };
}

/**
 * Where to go after signing in: only a path on this server ("/accounts/acme?x=1"), never another
 * site ("//evil.example", "https://…", "/\\evil.example"). Anything else goes to the overview.
 */
export function safeNextPath(next: unknown): string {
  if (typeof next !== 'string' || next.length > 2000) return '/';
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || /[\u0000-\u001f]/.test(next)) return '/';
  if (next === '/login' || next.startsWith('/login?') || next.startsWith('/logout')) return '/';
  return next;
}
