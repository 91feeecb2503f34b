import type { MeetingEventData } from '@forewarn/contracts';

export interface MeetingFact {
  type: 'forewarn.meeting.scheduled' | 'forewarn.meeting.updated' | 'forewarn.meeting.cancelled';
  time: string;
  seq: number;
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

/** Folds a meeting's events by event time (ties by arrival): later details win, a cancel sticks until rescheduled. */
export function foldMeeting(meetingId: string, facts: readonly MeetingFact[]): MeetingState | null {
  const ordered = [...facts].sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || a.seq - b.seq);
  return ordered.reduce<MeetingState | null>((state, { type, time, data }) => {
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
