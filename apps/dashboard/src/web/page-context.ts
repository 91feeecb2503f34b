import { Inject, Injectable } from '@nestjs/common';
import type { DashboardConfig } from '@forewarn/config';
import type { AuthedRequest } from '../common/authed-request';
import { DASHBOARD_CONFIG, devMailAvailable } from '../common/dashboard.config';
import { validTimeZone } from './format';
import type { PageContext } from './layout';

/** The reader's time zone, set by the login page from the browser, so times read in local time. */
export const TIME_ZONE_COOKIE = 'fw_tz';

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

/** What every page of this dashboard knows about its reader. */
@Injectable()
export class PageContexts {
  private readonly devMail: boolean;

  constructor(@Inject(DASHBOARD_CONFIG) config: DashboardConfig) {
    this.devMail = devMailAvailable(config);
  }

  /** For a page behind the page guard, which signed the reader in. */
  of(request: AuthedRequest): PageContext {
    const context = this.ofAnyone(request);
    if (!context) throw new Error('a page context asked for on a route without a signed-in user');
    return context;
  }

  /** Null when nobody is signed in (an error page, say). */
  ofAnyone(request: AuthedRequest): PageContext | null {
    return pageContext(request, this.devMail);
  }
}
