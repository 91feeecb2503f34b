import ICAL from 'ical.js';
import { createHash } from 'node:crypto';
import { email as emailOf } from '../common';
import { knownZone, zonedTimeToUtc } from '../zones';

export { zonedTimeToUtc };

/**
 * iCalendar (RFC 5545) feeds → meeting occurrences, with ical.js (Mozilla's parser, as used by
 * Thunderbird): recurring events are expanded (RRULE, RDATE, EXDATE, and RECURRENCE-ID
 * exceptions that move or cancel one occurrence), times are converted to UTC. Pure.
 */

export interface CalendarPerson {
  name?: string;
  email?: string;
}

export interface CalendarOccurrence {
  uid: string;
  /** UTC ISO time of the occurrence's RECURRENCE-ID (its original start); null for a single event. */
  recurrenceId: string | null;
  title: string | null;
  startsAt: string;
  endsAt: string | null;
  allDay: boolean;
  /** STATUS:CANCELLED on the event or on this occurrence's exception. */
  cancelled: boolean;
  organizer: CalendarPerson | null;
  /** People only: rooms and resources are left out. */
  attendees: CalendarPerson[];
  /** Starts within the window asked for (others are returned only to follow meetings moved out of it). */
  inWindow: boolean;
}

export interface ExpandOptions {
  /** Occurrences starting from here… */
  from: Date;
  /** …up to here are in the window. */
  to: Date;
  /** How far before `from` and after `to` occurrences are still returned (flagged not in window). */
  marginDays?: number;
  /** Upper bound of recurrence iterations per event (a daily series since 1990 is ~13,000). */
  maxIterations?: number;
  /**
   * Most events (VEVENTs) a feed may hold, and a tenth of the occurrences it may yield around the
   * window (a recurring event that repeats every minute is many occurrences); over it: CalendarTooLargeError.
   */
  maxEvents?: number;
}

export class CalendarParseError extends Error {}

/** A feed with more events than the limit: nothing of it is taken. */
export class CalendarTooLargeError extends CalendarParseError {}

const DAY = 86_400_000;

/**
 * An ICAL.Time as epoch milliseconds: UTC and zones the feed defines (VTIMEZONE) by ical.js;
 * a TZID the feed does not define but the platform knows (most feeds name IANA zones) by Intl;
 * floating times and dates as UTC.
 */
function toEpochMs(time: ICAL.Time, tzid: string | undefined): number {
  const zone = time.zone?.tzid;
  if (zone && zone !== 'floating') return time.toUnixTime() * 1000;
  const fields = { year: time.year, month: time.month, day: time.day, hour: time.isDate ? 0 : time.hour, minute: time.isDate ? 0 : time.minute, second: time.isDate ? 0 : time.second };
  if (!time.isDate && knownZone(tzid)) return zonedTimeToUtc(fields, tzid);
  return Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second);
}

/** The TZID a time was written with (kept by ical.js even when the zone is unknown). */
const tzidOf = (time: ICAL.Time | null | undefined): string | undefined => (time as unknown as { timezone?: string } | null | undefined)?.timezone ?? undefined;

function person(property: ICAL.Property | null): CalendarPerson | null {
  if (!property) return null;
  const value = String(property.getFirstValue() ?? '');
  const address = emailOf(value.replace(/^mailto:/i, '')) ?? emailOf(property.getParameter('email'));
  const cn = property.getParameter('cn');
  const name = typeof cn === 'string' && cn.trim() && cn.trim().toLowerCase() !== address ? cn.trim().slice(0, 300) : undefined;
  if (!address && !name) return null;
  return { ...(name ? { name } : {}), ...(address ? { email: address } : {}) };
}

function attendeesOf(component: ICAL.Component): CalendarPerson[] {
  const people: CalendarPerson[] = [];
  const seen = new Set<string>();
  for (const property of component.getAllProperties('attendee')) {
    const cutype = String(property.getParameter('cutype') ?? 'INDIVIDUAL').toUpperCase();
    if (cutype === 'ROOM' || cutype === 'RESOURCE') continue;
    const who = person(property);
    if (!who) continue;
    const key = who.email ?? `name:${who.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    people.push(who);
    if (people.length >= 500) break;
  }
  return people;
}

const isCancelled = (component: ICAL.Component): boolean => String(component.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED';
const titleOf = (component: ICAL.Component): string | null => {
  const summary = component.getFirstPropertyValue('summary');
  const text = typeof summary === 'string' ? summary.replace(/\s+/g, ' ').trim() : '';
  return text ? text.slice(0, 500) : null;
};

/** Parses a feed and returns its occurrences in and around the window, in start order. */
export function expandCalendar(ics: string, options: ExpandOptions): CalendarOccurrence[] {
  let root: ICAL.Component;
  try {
    const parsed = ICAL.parse(ics);
    root = new ICAL.Component(parsed as unknown[]);
  } catch (error) {
    throw new CalendarParseError(`not an iCalendar document: ${(error as Error).message}`);
  }
  if (root.name !== 'vcalendar') throw new CalendarParseError(`not an iCalendar document: it starts with ${root.name.toUpperCase()}, not VCALENDAR`);

  // The feed's own zone definitions, for this parse only (ical.js keeps them in a global registry).
  const registered: string[] = [];
  for (const vtimezone of root.getAllSubcomponents('vtimezone')) {
    const zone = new ICAL.Timezone(vtimezone);
    if (zone.tzid && !ICAL.TimezoneService.has(zone.tzid)) {
      ICAL.TimezoneService.register(zone);
      registered.push(zone.tzid);
    }
  }
  try {
    return expandEvents(root, options);
  } finally {
    for (const tzid of registered) ICAL.TimezoneService.remove(tzid);
  }
}

function expandEvents(root: ICAL.Component, options: ExpandOptions): CalendarOccurrence[] {
  const margin = (options.marginDays ?? 60) * DAY;
  const windowStart = options.from.getTime();
  const windowEnd = options.to.getTime();
  const lowest = windowStart - margin;
  const highest = windowEnd + margin;
  const maxIterations = options.maxIterations ?? 20_000;

  const vevents = root.getAllSubcomponents('vevent');
  const maxEvents = options.maxEvents ?? Infinity;
  const maxOccurrences = maxEvents * 10;
  if (vevents.length > maxEvents) throw new CalendarTooLargeError(`the feed has ${vevents.length} events, more than the limit of ${maxEvents}`);
  const exceptionsByUid = new Map<string, ICAL.Component[]>();
  const masters: ICAL.Component[] = [];
  for (const vevent of vevents) {
    const uid = vevent.getFirstPropertyValue('uid');
    if (typeof uid !== 'string' || !uid.trim()) continue; // RFC 5545 requires a UID; without one nothing is stable
    if (vevent.hasProperty('recurrence-id')) exceptionsByUid.set(uid, [...(exceptionsByUid.get(uid) ?? []), vevent]);
    else masters.push(vevent);
  }
  // Exceptions whose master is not in the feed (a calendar shared one occurrence) stand alone.
  const masterUids = new Set(masters.map((m) => String(m.getFirstPropertyValue('uid'))));
  const orphans = [...exceptionsByUid.entries()].filter(([uid]) => !masterUids.has(uid)).flatMap(([, list]) => list);

  const out: CalendarOccurrence[] = [];
  const push = (occurrence: Omit<CalendarOccurrence, 'inWindow'>) => {
    const start = Date.parse(occurrence.startsAt);
    if (start < lowest || start > highest) return;
    if (out.length >= maxOccurrences) throw new CalendarTooLargeError(`the feed's events occur more than ${maxOccurrences} times around the window, more than ten times the limit of ${maxEvents} events`);
    out.push({ ...occurrence, inWindow: start >= windowStart && start <= windowEnd });
  };

  for (const master of masters) {
    let event: ICAL.Event;
    try {
      event = new ICAL.Event(master, { strictExceptions: true, exceptions: exceptionsByUid.get(String(master.getFirstPropertyValue('uid'))) ?? [] });
      if (!event.startDate) continue;
    } catch {
      continue; // one broken event does not spoil the feed
    }
    const masterTzid = tzidOf(event.startDate);
    const organizer = person(master.getFirstProperty('organizer'));
    const attendees = attendeesOf(master);
    if (!event.isRecurring()) {
      const start = toEpochMs(event.startDate, masterTzid);
      const end = event.endDate ? toEpochMs(event.endDate, tzidOf(event.endDate) ?? masterTzid) : null;
      push({
        uid: event.uid, recurrenceId: null, title: titleOf(master), startsAt: new Date(start).toISOString(), endsAt: end !== null && end > start ? new Date(end).toISOString() : null,
        allDay: event.startDate.isDate, cancelled: isCancelled(master), organizer, attendees,
      });
      continue;
    }
    const iterator = event.iterator();
    for (let i = 0; i < maxIterations; i += 1) {
      const next = iterator.next();
      if (!next) break;
      const recurrenceMs = toEpochMs(next, tzidOf(next) ?? masterTzid);
      if (recurrenceMs > highest) break;
      let details;
      try {
        details = event.getOccurrenceDetails(next);
      } catch {
        continue;
      }
      const item = details.item.component;
      const isException = item !== master;
      const itemTzid = tzidOf(details.item.startDate) ?? masterTzid;
      const start = toEpochMs(details.startDate, tzidOf(details.startDate) ?? itemTzid);
      const end = details.endDate ? toEpochMs(details.endDate, tzidOf(details.endDate) ?? itemTzid) : null;
      push({
        uid: event.uid,
        recurrenceId: new Date(recurrenceMs).toISOString(),
        title: titleOf(item) ?? titleOf(master),
        startsAt: new Date(start).toISOString(),
        endsAt: end !== null && end > start ? new Date(end).toISOString() : null,
        allDay: details.startDate.isDate,
        cancelled: isCancelled(master) || (isException && isCancelled(item)),
        organizer: isException ? (person(item.getFirstProperty('organizer')) ?? organizer) : organizer,
        attendees: isException && item.hasProperty('attendee') ? attendeesOf(item) : attendees,
      });
    }
  }

  for (const orphan of orphans) {
    try {
      const event = new ICAL.Event(orphan);
      const tzid = tzidOf(event.startDate);
      const start = toEpochMs(event.startDate, tzid);
      const end = event.endDate ? toEpochMs(event.endDate, tzidOf(event.endDate) ?? tzid) : null;
      push({
        uid: event.uid, recurrenceId: new Date(toEpochMs(event.recurrenceId, tzidOf(event.recurrenceId) ?? tzid)).toISOString(), title: titleOf(orphan),
        startsAt: new Date(start).toISOString(), endsAt: end !== null && end > start ? new Date(end).toISOString() : null, allDay: event.startDate.isDate,
        cancelled: isCancelled(orphan), organizer: person(orphan.getFirstProperty('organizer')), attendees: attendeesOf(orphan),
      });
    } catch {
      continue;
    }
  }
  return out.sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.uid.localeCompare(b.uid));
}

/** The meeting kind a title suggests; `other` when it suggests none. */
export function guessMeetingKind(title: string | null | undefined): 'renewal' | 'qbr' | 'proposal' | 'demo' | 'other' {
  const text = (title ?? '').toLowerCase();
  if (/\brenew(al|als|ing)?\b|\bcontract (review|extension)\b/.test(text)) return 'renewal';
  if (/\bq[1-4]?br\b|\bebr\b|quarterly (business )?review|business review|executive review/.test(text)) return 'qbr';
  if (/\bproposal\b|\bpricing\b|\bquote\b|\bcommercials?\b|\bnegotiation\b|\bsow\b|\bstatement of work\b/.test(text)) return 'proposal';
  if (/\bdemo\b|\bdemonstration\b|\bwalk-?through\b|\bproduct tour\b|\bshowcase\b/.test(text)) return 'demo';
  return 'other';
}

/** A meeting id that is the same on every poll: per feed, UID and recurrence (RECURRENCE-ID). */
export function calendarMeetingId(feedId: string, uid: string, recurrenceId: string | null): string {
  const digest = createHash('sha256').update(`${uid}\u001f${recurrenceId ?? ''}`).digest('hex').slice(0, 24);
  return `cal-${feedId}-${digest}`;
}
