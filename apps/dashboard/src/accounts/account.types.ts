import type { HealthReason, HealthState } from '@forewarn/contracts';
import type { AlertView, TeamFeedback } from '../alerts/alert.types';
import type { Person } from '../common/person';
import type { TimelineEntry } from './timeline';
import type { SupportNote } from './support-notes.read-model';

export interface MeetingSummary {
  id: string;
  title: string | null;
  startsAt: string;
  kind: string | null;
}

/** One row of the overview (`GET /api/accounts`). */
export interface AccountSummary {
  id: string;
  name: string;
  owner: Person;
  team: string | null;
  state: HealthState;
  score: number;
  /** The points every reason took off, added up; past 100 when the score is stuck at 0 (how far past zero). */
  riskPoints: number;
  openCases: number;
  openEscalations: number;
  nextMeeting: MeetingSummary | null;
  updatedAt: string;
  /** Score at the end of each of the last 14 days, oldest first. */
  trend: number[];
}

export interface Account {
  id: string;
  name: string;
  owner: Person;
  lead: Person | null;
  members: Person[];
  team: string | null;
  tier: string | null;
  arr: number | null;
  renewalDate: string | null;
  timezone: string | null;
  domains: string[];
  updatedAt: string;
}

export interface AccountHealth {
  score: number;
  state: HealthState;
  reasons: HealthReason[];
  riskPoints: number;
  openCases: number;
  openEscalations: number;
  updatedAt: string | null;
}

export interface CaseSummary {
  id: string;
  title: string | null;
  url: string | null;
  severity: number | null;
  status: string;
  escalationLevel: number;
  product: string | null;
  /** The support agent who owns the case now. */
  assignee: string | null;
  openedAt: string | null;
  lastActivityAt: string | null;
  resolvedAt: string | null;
  isOpen: boolean;
  handoffs: number;
  reopenCount: number;
  slaBreaches: number;
  rejections: number;
}

export interface MeetingPerson {
  name?: string;
  email?: string;
}

export interface Meeting extends MeetingSummary {
  endsAt: string | null;
  organizer: MeetingPerson | null;
  attendees: MeetingPerson[];
  cancelled: boolean;
  upcoming: boolean;
  /** Organizer and attendees who are not our own people: shown, never mailed. */
  customerPeople: MeetingPerson[];
}

export interface HistoryEntry {
  at: string;
  score: number;
  state: HealthState;
}

/** `GET /api/accounts/:id`: how bad, why, what is open, what happened, what is coming, who was told, how it got here. */
export interface AccountDetail {
  account: Account;
  /** What stops Forewarn from telling the account's people, e.g. an owner on a customer's domain. */
  warnings: string[];
  health: AccountHealth;
  cases: CaseSummary[];
  timeline: TimelineEntry[];
  meetings: Meeting[];
  alerts: AlertView[];
  feedback: TeamFeedback;
  history: HistoryEntry[];
  /** Notes written back to the account's support cases (write-back), newest first. */
  supportNotes: SupportNote[];
}
