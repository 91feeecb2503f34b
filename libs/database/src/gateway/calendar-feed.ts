/** An iCalendar feed the gateway polls (`gateway.calendar_feeds`). */
export interface CalendarFeed {
  id: string;
  url: string;
  ownerEmail: string | null;
  team: string | null;
  intervalMinutes: number;
  etag: string | null;
  lastModified: string | null;
  nextPollAt: Date;
  lastPolledAt: Date | null;
  lastStatus: string | null;
  lastError: string | null;
  removedAt: Date | null;
  createdAt: Date;
  /** An operator registered it on an internal host on purpose (`--allow-internal`): its address is not checked. */
  allowInternal: boolean;
}

/** A meeting as last published from a feed for one account (`gateway.calendar_meetings`). */
export interface StoredCalendarMeeting<M = Record<string, unknown>> {
  meetingId: string;
  accountId: string;
  uid: string;
  recurrence: string | null;
  fingerprint: string;
  revision: number;
  startsAt: string;
  cancelled: boolean;
  meeting: M;
}

export interface CalendarPollResult {
  status: 'ok' | 'not_modified' | 'error';
  error?: string | null;
  etag?: string | null;
  lastModified?: string | null;
  /** The feed's text when it changed (kept, so a 304 can still be re-planned as time moves on). */
  body?: string | null;
  nextPollAt: Date;
}

export class CalendarFeedExistsError extends Error {
  constructor(url: string, readonly id: string) {
    super(`the calendar ${url} is already registered (id ${id})`);
  }
}

export class CalendarFeedNotFoundError extends Error {
  constructor(ref: string) {
    super(`there is no calendar feed "${ref}" (give its id or URL; see forewarn calendar list)`);
  }
}
