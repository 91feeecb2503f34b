import type { AuthedRequest } from '../auth/auth.guard';
import { TIME_ZONE_COOKIE } from '../auth/session-cookie';
import { validTimeZone } from './format';
import type { PageContext } from './layout';

const SERVER_TIME_ZONE = validTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone);

/** The reader's time zone: what their browser told us (cookie), else the server's. */
export function readerTimeZone(request: AuthedRequest): string {
  const fromCookie = (request.cookies as Record<string, string> | undefined)?.[TIME_ZONE_COOKIE];
  return fromCookie ? validTimeZone(fromCookie) : SERVER_TIME_ZONE;
}

/** `devMail`: whether the development mail page exists here; only admins are shown it. */
export function pageContext(request: AuthedRequest, devMail: boolean, now = new Date()): PageContext | null {
  if (!request.user) return null;
  return { user: request.user, now, timeZone: readerTimeZone(request), devMail: devMail && request.user.role === 'admin', path: request.path };
}
