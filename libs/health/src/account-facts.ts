import type { CaseState, SurveyAnswer } from './case-state';

/** What the sales side knows about an account that changes how much its problems weigh. */
export interface AccountProfile {
  tier: string | null;
  arr: number | null;
  /** `YYYY-MM-DD` or an RFC 3339 time. */
  renewalDate: string | null;
}

export interface UpcomingMeeting {
  id: string;
  title: string | null;
  startsAt: string;
  kind: string | null;
}

/** Everything health is assessed from, for one account at one moment. */
export interface AccountFacts {
  /** Open cases and cases resolved within the policy's memory (older ones no longer count). */
  cases: readonly CaseState[];
  /** Survey answers that came without a case. */
  surveys?: readonly SurveyAnswer[];
  account?: AccountProfile | null;
  /** Meetings that are not cancelled; past ones are ignored. */
  meetings?: readonly UpcomingMeeting[];
}

/** Survey answers and the case they belong to (null for surveys without a case). */
export function allSurveys(facts: AccountFacts): { survey: SurveyAnswer; caseState: CaseState | null }[] {
  return [
    ...facts.cases.flatMap((c) => c.surveys.map((survey) => ({ survey, caseState: c }))),
    ...(facts.surveys ?? []).map((survey) => ({ survey, caseState: null })),
  ];
}
