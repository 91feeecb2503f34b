import { type InboundEvent, type MeetingEventType, parseInboundEvent } from '@forewarn/contracts';
import { createHash } from 'node:crypto';
import { isPublicMailDomain, stableId } from '../common';
import { calendarMeetingId, type CalendarOccurrence, type CalendarPerson, guessMeetingKind } from './ical-feed';

/**
 * What a calendar poll publishes: compares the feed's occurrences (matched to accounts by the
 * email domains of attendees and organizer) with what was published from the feed before, and
 * yields `meeting.scheduled` / `updated` / `cancelled` events and the new stored state. Pure.
 */

export interface CalendarMeeting {
  id: string;
  title?: string;
  startsAt: string;
  endsAt?: string;
  kind: 'renewal' | 'qbr' | 'proposal' | 'demo' | 'other';
  organizer?: CalendarPerson;
  attendees: CalendarPerson[];
}

/** One meeting as published for one account (a row of `gateway.calendar_meetings`). */
export interface PublishedMeeting {
  meetingId: string;
  accountId: string;
  uid: string;
  recurrence: string | null;
  fingerprint: string;
  revision: number;
  startsAt: string;
  cancelled: boolean;
  meeting: CalendarMeeting;
}

export interface CalendarSyncInput {
  feedId: string;
  occurrences: CalendarOccurrence[];
  /** Account ids by email domain (health.accounts.domains). */
  accountsByDomain: ReadonlyMap<string, readonly string[]>;
  /** What the feed published before. */
  previous: readonly PublishedMeeting[];
  /** Domains that are never a customer's: the feed owner's own company. */
  internalDomains?: readonly string[];
  now: Date;
  /** Meetings that started longer ago than this are forgotten (default one day). */
  forgetAfterMs?: number;
}

export interface CalendarSyncPlan {
  events: InboundEvent[];
  /** Rows to insert or update. */
  save: PublishedMeeting[];
  /** Rows to delete (meetings that are over). */
  forget: { meetingId: string; accountId: string }[];
  counts: { scheduled: number; updated: number; cancelled: number };
}

/** The CloudEvents source of a feed's events. */
export const calendarSource = (feedId: string): string => `/calendars/${feedId}`;

/** A domain and the domains it belongs to: eu.acme.com → eu.acme.com, acme.com. */
export function domainCandidates(domain: string): string[] {
  const labels = domain.toLowerCase().split('.').filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i + 2 <= labels.length; i += 1) out.push(labels.slice(i).join('.'));
  return out;
}

/** Every domain worth looking up for the occurrences: attendees' and organizers' email domains and their parents. */
export function calendarDomains(occurrences: readonly CalendarOccurrence[], internalDomains: readonly string[] = []): string[] {
  const internal = new Set(internalDomains.map((d) => d.toLowerCase()));
  const domains = new Set<string>();
  for (const o of occurrences) {
    for (const p of [o.organizer, ...o.attendees]) {
      const domain = p?.email?.split('@')[1];
      if (!domain || internal.has(domain) || isPublicMailDomain(domain)) continue;
      for (const candidate of domainCandidates(domain)) if (!internal.has(candidate)) domains.add(candidate);
    }
  }
  return [...domains].sort();
}

/** The accounts an occurrence belongs to: any account owning an attendee's or the organizer's domain. */
function accountsOf(occurrence: CalendarOccurrence, input: CalendarSyncInput): string[] {
  const internal = new Set((input.internalDomains ?? []).map((d) => d.toLowerCase()));
  const accounts = new Set<string>();
  for (const p of [occurrence.organizer, ...occurrence.attendees]) {
    const domain = p?.email?.split('@')[1];
    if (!domain || internal.has(domain) || isPublicMailDomain(domain)) continue;
    for (const candidate of domainCandidates(domain)) {
      if (internal.has(candidate)) continue;
      for (const id of input.accountsByDomain.get(candidate) ?? []) accounts.add(id);
    }
  }
  return [...accounts].sort();
}

function meetingOf(feedId: string, o: CalendarOccurrence): CalendarMeeting {
  return {
    id: calendarMeetingId(feedId, o.uid, o.recurrenceId),
    ...(o.title ? { title: o.title } : {}),
    startsAt: o.startsAt,
    ...(o.endsAt ? { endsAt: o.endsAt } : {}),
    kind: guessMeetingKind(o.title),
    ...(o.organizer ? { organizer: o.organizer } : {}),
    attendees: o.attendees,
  };
}

const fingerprintOf = (meeting: CalendarMeeting, cancelled: boolean): string =>
  createHash('sha256').update(JSON.stringify({ meeting, cancelled })).digest('hex').slice(0, 32);

const rowKey = (meetingId: string, accountId: string): string => `${meetingId}\u0000${accountId}`;

export function planCalendarSync(input: CalendarSyncInput): CalendarSyncPlan {
  const now = input.now.getTime();
  const forgetBefore = now - (input.forgetAfterMs ?? 86_400_000);
  const previous = new Map(input.previous.map((p) => [rowKey(p.meetingId, p.accountId), p]));
  const desired = new Map<string, PublishedMeeting>();

  for (const occurrence of input.occurrences) {
    const meeting = meetingOf(input.feedId, occurrence);
    for (const accountId of accountsOf(occurrence, input)) {
      const key = rowKey(meeting.id, accountId);
      // Outside the window (long past, far ahead) only to follow a meeting published before.
      if (!occurrence.inWindow && !previous.has(key)) continue;
      desired.set(key, {
        meetingId: meeting.id, accountId, uid: occurrence.uid, recurrence: occurrence.recurrenceId,
        fingerprint: fingerprintOf(meeting, occurrence.cancelled), revision: 0, startsAt: meeting.startsAt, cancelled: occurrence.cancelled, meeting,
      });
    }
  }

  const plan: CalendarSyncPlan = { events: [], save: [], forget: [], counts: { scheduled: 0, updated: 0, cancelled: 0 } };
  const emit = (type: MeetingEventType, row: PublishedMeeting) => {
    const raw = {
      specversion: '1.0',
      id: stableId('cal', input.feedId, row.meetingId, row.accountId, row.revision, row.fingerprint),
      type,
      time: input.now.toISOString(),
      subject: row.meetingId,
      data: { account: { id: row.accountId }, meeting: row.meeting },
    };
    const parsed = parseInboundEvent(raw, { source: calendarSource(input.feedId), receivedAt: input.now });
    if (!parsed.ok) return false; // cannot happen with what meetingOf builds; never publish what the contract refuses
    plan.events.push(parsed.value);
    plan.counts[type === 'forewarn.meeting.scheduled' ? 'scheduled' : type === 'forewarn.meeting.updated' ? 'updated' : 'cancelled'] += 1;
    return true;
  };

  for (const [key, next] of desired) {
    const before = previous.get(key);
    if (before && before.fingerprint === next.fingerprint) continue;
    if (!before && next.cancelled) continue; // cancelled before Forewarn ever saw it
    const row = { ...next, revision: (before?.revision ?? 0) + 1 };
    const type: MeetingEventType = next.cancelled ? 'forewarn.meeting.cancelled' : !before || before.cancelled ? 'forewarn.meeting.scheduled' : 'forewarn.meeting.updated';
    if (emit(type, row)) plan.save.push(row);
  }

  for (const [key, before] of previous) {
    if (desired.has(key)) continue;
    if (Date.parse(before.startsAt) < now) {
      plan.forget.push({ meetingId: before.meetingId, accountId: before.accountId });
      continue;
    }
    if (before.cancelled) continue;
    // Gone from the feed, or no longer with this account's people: cancelled.
    const row = { ...before, cancelled: true, revision: before.revision + 1, fingerprint: fingerprintOf(before.meeting, true) };
    if (emit('forewarn.meeting.cancelled', row)) plan.save.push(row);
  }

  // Meetings that are over are forgotten; a late change to one is still published above.
  for (const row of [...plan.save, ...desired.values()]) {
    if (Date.parse(row.startsAt) < forgetBefore && !plan.forget.some((f) => f.meetingId === row.meetingId && f.accountId === row.accountId)) {
      plan.forget.push({ meetingId: row.meetingId, accountId: row.accountId });
    }
  }
  const forgotten = new Set(plan.forget.map((f) => rowKey(f.meetingId, f.accountId)));
  plan.save = plan.save.filter((row) => !forgotten.has(rowKey(row.meetingId, row.accountId)));
  return plan;
}
