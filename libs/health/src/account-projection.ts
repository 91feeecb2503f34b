import type { AccountUpsertedData, CaseEventData, InboundEvent, MeetingEventData, SurveyEventData } from '@forewarn/contracts';
import type { AccountFacts, AccountProfile } from './account-facts';
import { type CaseFact, type CaseState, foldCase, inEventOrder, isOpen, type SurveyAnswer } from './case-state';
import { foldMeeting, type MeetingFact, type MeetingState } from './meeting-state';
import type { HealthPolicy } from './policy';
import { DAY_MS } from './words';

/**
 * The identity of a stored event for the folds: a duplicate has the same key. Unambiguous and
 * free of NUL, because a case state keeps the key of its last event in jsonb (`foldedThrough`).
 */
export const eventKey = (source: string, id: string): string => JSON.stringify([source, id]);

/** An event already resolved to its account, as stored in `health.events`. */
export interface AccountEvent {
  /** Source and id: the event's identity (a duplicate has the same key). */
  key: string;
  type: InboundEvent['type'];
  time: string;
  seq: number;
  data: unknown;
}

/** Everything folded from one account's events. */
export interface AccountProjection {
  profile: AccountProfile | null;
  cases: CaseState[];
  meetings: MeetingState[];
  /** Survey answers that came without a case. */
  surveys: SurveyAnswer[];
}

export const profileOf = (data: Pick<AccountUpsertedData, 'tier' | 'arr' | 'renewalDate'>): AccountProfile => ({
  tier: data.tier ?? null,
  arr: data.arr ?? null,
  renewalDate: data.renewalDate ?? null,
});

/** A survey answer from a `survey.responded` event without a case. */
export function surveyOf(time: string, data: SurveyEventData): SurveyAnswer {
  return { at: time, kind: data.survey.kind, score: data.survey.score, who: data.actor?.name ?? data.actor?.email ?? null, comment: data.survey.comment ?? null };
}

const byId = <T extends { id: string }>(list: T[]): T[] => list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/**
 * Folds one account's events — in any order, with any duplicates — into its cases, meetings,
 * profile and case-less surveys. The same pure folds the projection uses row by row.
 */
export function projectAccount(events: readonly AccountEvent[]): AccountProjection {
  const ordered = inEventOrder(events);
  const caseFacts = new Map<string, CaseFact[]>();
  const meetingFacts = new Map<string, MeetingFact[]>();
  const surveys: SurveyAnswer[] = [];
  let profile: AccountProfile | null = null;
  for (const e of ordered) {
    if (e.type === 'forewarn.account.upserted') {
      profile = profileOf(e.data as AccountUpsertedData);
    } else if (e.type.startsWith('forewarn.meeting.')) {
      const id = (e.data as MeetingEventData).meeting.id;
      meetingFacts.set(id, [...(meetingFacts.get(id) ?? []), { type: e.type as MeetingFact['type'], time: e.time, seq: e.seq, key: e.key, data: e.data as MeetingEventData }]);
    } else {
      const data = e.data as CaseEventData | SurveyEventData;
      const caseId = data.case?.id;
      if (caseId) caseFacts.set(caseId, [...(caseFacts.get(caseId) ?? []), { type: e.type, time: e.time, seq: e.seq, key: e.key, data }]);
      else if (e.type === 'forewarn.survey.responded') surveys.push(surveyOf(e.time, data as SurveyEventData));
    }
  }
  return {
    profile,
    cases: byId([...caseFacts].map(([id, facts]) => foldCase(id, facts))),
    meetings: byId([...meetingFacts].flatMap(([id, facts]) => foldMeeting(id, facts) ?? [])),
    surveys,
  };
}

/** How long a resolved case can still matter: its memory, its comments, its surveys. */
export const memoryDays = (policy: HealthPolicy): number => Math.max(policy.decay.forgetAfterDays, policy.negativeComments.withinDays, policy.poorSurveys.withinDays);

/**
 * What health is assessed from at `now`: open cases and those resolved within the policy's
 * memory, meetings still ahead, and case-less surveys within the survey window.
 */
export function factsAt(projection: AccountProjection, now: Date, policy: HealthPolicy): AccountFacts {
  const t = now.getTime();
  const memory = memoryDays(policy) * DAY_MS;
  return {
    cases: projection.cases.filter((c) => isOpen(c) || (c.resolvedAt !== null && t - Date.parse(c.resolvedAt) <= memory)),
    meetings: projection.meetings
      .filter((m) => !m.cancelled && m.startsAt && Date.parse(m.startsAt) > t)
      .map((m) => ({ id: m.id, title: m.title, startsAt: m.startsAt as string, kind: m.kind })),
    surveys: projection.surveys.filter((s) => t - Date.parse(s.at) <= policy.poorSurveys.withinDays * DAY_MS),
    account: projection.profile,
  };
}
