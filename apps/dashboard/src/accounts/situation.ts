import type { HealthState } from '@forewarn/contracts';
import { capitalise, dateTimeFormat, dayName, meetingKindWord, STATE_WORD, when } from '../web/format';
import type { CaseSummary, MeetingSummary } from './account.types';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A meeting this close makes the state urgent. */
const NEAR_DAYS = 7;

const isNear = (meeting: MeetingSummary | null, now: Date): boolean =>
  !!meeting && Date.parse(meeting.startsAt) > now.getTime() && Date.parse(meeting.startsAt) - now.getTime() <= NEAR_DAYS * DAY_MS;

const possessiveDay = (at: Date, now: Date, timeZone: string): string => {
  const day = dayName(at, now, timeZone);
  if (day === 'today' || day === 'tomorrow') return `${day}’s`;
  return `${dateTimeFormat('en-GB', { timeZone, weekday: 'long' }).format(at)}’s`;
};

/** The account's situation in one line (UI.md: lead with the consequence): "Firestorm before tomorrow’s renewal". */
export function situation(state: HealthState, nextMeeting: MeetingSummary | null, now: Date, timeZone: string): string {
  if (state === 'healthy') return 'Healthy — nothing that needs sales right now';
  const word = capitalise(STATE_WORD[state]);
  if (nextMeeting && isNear(nextMeeting, now)) return `${word} before ${possessiveDay(new Date(nextMeeting.startsAt), now, timeZone)} ${meetingKindWord(nextMeeting.kind)}`;
  return nextMeeting ? `${word}, next meeting ${when(nextMeeting.startsAt, now, timeZone)}` : `${word}, no meeting scheduled`;
}

const worstFirst = (a: CaseSummary, b: CaseSummary): number =>
  (a.severity ?? 9) - (b.severity ?? 9) || b.escalationLevel - a.escalationLevel || b.rejections - a.rejections;

/** What the rep should do now (UI.md: tell them what to do): call the named support owner of the worst open case. */
export function nextStep(state: HealthState, cases: readonly CaseSummary[], nextMeeting: MeetingSummary | null, now: Date, timeZone: string): string | null {
  if (state === 'healthy') return null;
  const before = nextMeeting && isNear(nextMeeting, now) ? ` before the ${meetingKindWord(nextMeeting.kind)} ${when(nextMeeting.startsAt, now, timeZone)}` : '';
  const worst = cases.filter((c) => c.isOpen).sort(worstFirst)[0];
  if (!worst) return `Read the reasons below${before || ' before your next call'}.`;
  const name = worst.title ? `“${worst.title}”` : `case ${worst.id}`;
  if (worst.assignee) return `Call ${worst.assignee}, who owns ${name} in support${before ? `,${before}` : ''}.`;
  return `Ask support who owns ${name} — nobody is assigned${before}.`;
}
