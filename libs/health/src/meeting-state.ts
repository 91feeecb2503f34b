import type { MeetingEventData } from '@forewarn/contracts';
import { inEventOrder } from './case-state';

export interface MeetingFact {
  type: 'forewarn.meeting.scheduled' | 'forewarn.meeting.updated' | 'forewarn.meeting.cancelled';
  time: string;
  seq: number;
  /** Source and id of the event: a duplicate is applied once. */
  key?: string;
  data: MeetingEventData;
}

export interface MeetingState {
  id: string;
  title: string | null;
  startsAt: string | null;
  endsAt: string | null;
  kind: string | null;
  organizer: { name?: string; email?: string } | null;
  attendees: { name?: string; email?: string }[];
  cancelled: boolean;
  /** Event time of the newest event applied. */
  lastEventTime: string;
}

/** Folds a meeting's events in event order (see `byEventOrder`): later details win, a cancel sticks until rescheduled. */
export function foldMeeting(meetingId: string, facts: readonly MeetingFact[]): MeetingState | null {
  return inEventOrder(facts).reduce<MeetingState | null>((state, { type, time, data }) => {
    const m = data.meeting;
    return {
      id: meetingId,
      title: m.title ?? state?.title ?? null,
      startsAt: m.startsAt ?? state?.startsAt ?? null,
      endsAt: m.endsAt ?? state?.endsAt ?? null,
      kind: m.kind ?? state?.kind ?? null,
      organizer: m.organizer ?? state?.organizer ?? null,
      attendees: m.attendees ?? state?.attendees ?? [],
      cancelled: type === 'forewarn.meeting.cancelled',
      lastEventTime: time,
    };
  }, null);
}
