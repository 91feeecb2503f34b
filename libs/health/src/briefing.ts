import { type Briefing, type HealthState, healthStateRank } from '@forewarn/contracts';
import { type AccountFacts, allSurveys } from './account-facts';
import type { HealthAssessment } from './assess-health';
import { type CaseState, isOpen } from './case-state';
import type { MeetingState } from './meeting-state';
import type { HealthPolicy } from './policy';
import { caseName, DAY_MS, duration, HOUR_MS, quoteOf } from './words';

/**
 * Briefings: before a meeting with an account that is not healthy, the account team gets a note
 * from a well-prepared colleague. Which meeting to brief, and what goes into the note, are pure
 * rules here; account-health's sweep runs them and writes the alert through its outbox.
 */

/** A meeting as the briefing rules see it (a folded meeting with a start). */
export type BriefableMeeting = Pick<MeetingState, 'id' | 'title' | 'startsAt' | 'endsAt' | 'kind' | 'organizer' | 'attendees' | 'cancelled'>;

/**
 * The meeting to brief now, if any: not cancelled, starting within the policy's lead time, not
 * briefed before (once per meeting), with an account at least as loud as `briefing.minState`.
 * The soonest such meeting wins; a later one is briefed on a later sweep.
 */
export function meetingToBrief(input: {
  state: HealthState;
  meetings: readonly BriefableMeeting[];
  briefed: ReadonlySet<string>;
  now: Date;
  policy: HealthPolicy;
}): BriefableMeeting | null {
  const { state, meetings, briefed, now, policy } = input;
  if (healthStateRank(state) < healthStateRank(policy.briefing.minState)) return null;
  const t = now.getTime();
  const due = meetings
    .filter((m) => !m.cancelled && m.startsAt && !briefed.has(m.id))
    .map((m) => ({ m, at: Date.parse(m.startsAt as string) }))
    .filter(({ at }) => at > t && at - t <= policy.briefing.hoursBefore * HOUR_MS)
    .sort((a, b) => a.at - b.at || (a.m.id < b.m.id ? -1 : 1));
  return due[0]?.m ?? null;
}

const meetingOf = (m: BriefableMeeting): Briefing['meeting'] => ({
  id: m.id,
  title: m.title,
  startsAt: m.startsAt as string,
  endsAt: m.endsAt,
  kind: m.kind,
  organizer: m.organizer ? { ...(m.organizer.name ? { name: m.organizer.name } : {}), ...(m.organizer.email ? { email: m.organizer.email } : {}) } : null,
  attendees: m.attendees.map((a) => ({ ...(a.name ? { name: a.name } : {}), ...(a.email ? { email: a.email } : {}) })),
});

/** Cases resolved within `days`, newest first. */
export function recentlyFixed(cases: readonly CaseState[], now: Date, days: number): Briefing['recentlyFixed'] {
  return cases
    .filter((c) => !isOpen(c) && c.resolvedAt && now.getTime() - Date.parse(c.resolvedAt) <= days * DAY_MS)
    .sort((a, b) => Date.parse(b.resolvedAt as string) - Date.parse(a.resolvedAt as string))
    .map((c) => ({ id: c.id, title: c.title, url: c.url, severity: c.severity, openedAt: c.openedAt, resolvedAt: c.resolvedAt as string, assignee: c.assignee }));
}

const openOrder = (a: CaseState, b: CaseState): number =>
  (a.severity ?? 5) - (b.severity ?? 5) || b.escalationLevel - a.escalationLevel || Date.parse(a.openedAt ?? '') - Date.parse(b.openedAt ?? '') || (a.id < b.id ? -1 : 1);

/**
 * Three talking points drawn from the signals: acknowledge the problem, apologise for what went
 * wrong in the customer's eyes, say what is being done and by when (and who to ask first).
 */
export function talkingPoints(facts: AccountFacts, now: Date): string[] {
  const open = facts.cases.filter(isOpen).sort(openOrder);
  const fixed = recentlyFixed(facts.cases, now, 14);
  const points: string[] = [];
  const worst = open[0];
  if (worst) {
    const since = worst.openedAt ? ` (open ${duration(now.getTime() - Date.parse(worst.openedAt))})` : '';
    points.push(`Acknowledge ${caseName(worst)}${since} before they bring it up${open.length > 1 ? `, and that ${open.length - 1} more ${open.length === 2 ? 'case is' : 'cases are'} open` : ''}.`);
  } else if (fixed[0]) {
    points.push(`Acknowledge that “${fixed[0].title ?? fixed[0].id}” hurt them, even though it is fixed now.`);
  }
  const rejected = open.find((c) => c.rejections.length > 0);
  const stale = open.find((c) => c.lastSupportUpdateAt && now.getTime() - Date.parse(c.lastSupportUpdateAt) > DAY_MS);
  const bounced = open.find((c) => c.handoffs >= 3);
  if (rejected) {
    const r = rejected.rejections[rejected.rejections.length - 1];
    points.push(`Apologise that the proposed fix for ${caseName(rejected)} did not work for them${r.who ? ` — ${r.who} said` : ''}${r.reason ? ` “${quoteOf(r.reason, 100)}”` : ''}; do not defend the workaround.`);
  } else if (bounced) {
    points.push(`Apologise that ${caseName(bounced)} was passed between ${bounced.handoffs + 1} people; name one owner from now on.`);
  } else if (stale) {
    points.push(`Apologise for the silence on ${caseName(stale)}: nobody updated them for ${duration(now.getTime() - Date.parse(stale.lastSupportUpdateAt as string))}.`);
  } else if (worst) {
    points.push(`Apologise for the disruption ${caseName(worst)} causes them.`);
  }
  const owner = worst?.assignee ?? null;
  if (worst) {
    points.push(`Say what is being done and by when: ${owner ? `ask ${owner} in support for the next step and a date before the meeting` : 'get a named owner and a date from support before the meeting'}, and promise an update by then.`);
  } else if (fixed[0]) {
    points.push(`Say what changed so it does not happen again${fixed[0].assignee ? ` (${fixed[0].assignee} in support fixed it)` : ''}.`);
  }
  return points.slice(0, 3);
}

/** Everything for one meeting with an account that is not healthy. */
export function buildBriefing(input: { meeting: BriefableMeeting; facts: AccountFacts; assessment: HealthAssessment; now: Date; policy: HealthPolicy }): Briefing {
  const { meeting, facts, now, policy } = input;
  const open = facts.cases.filter(isOpen).sort(openOrder);
  const customerSaid: Briefing['customerSaid'] = [
    ...facts.cases.flatMap((c) => c.customerComments.map((comment) => ({ kind: 'comment' as const, caseId: c.id, caseTitle: c.title, who: comment.who, at: comment.at, quote: quoteOf(comment.excerpt, 300) }))),
    ...facts.cases.flatMap((c) => c.rejections.filter((r) => r.reason).map((r) => ({ kind: 'rejection' as const, caseId: c.id, caseTitle: c.title, who: r.who, at: r.at, quote: quoteOf(r.reason as string, 300) }))),
    ...allSurveys(facts).filter(({ survey }) => survey.comment).map(({ survey, caseState }) => ({ kind: 'survey' as const, caseId: caseState?.id ?? null, caseTitle: caseState?.title ?? null, who: survey.who, at: survey.at, quote: quoteOf(survey.comment as string, 300) })),
  ]
    .filter((q) => now.getTime() - Date.parse(q.at) <= policy.decay.forgetAfterDays * DAY_MS)
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
    .slice(0, 10);
  const owners = new Map<string, string[]>();
  for (const c of open) if (c.assignee) owners.set(c.assignee, [...(owners.get(c.assignee) ?? []), c.id]);
  const { csatAtMost, npsAtMost, withinDays } = policy.poorSurveys;
  const detractors = allSurveys(facts)
    .filter(({ survey }) => (survey.kind === 'csat' ? survey.score <= csatAtMost : survey.score <= npsAtMost))
    .filter(({ survey }) => now.getTime() - Date.parse(survey.at) <= withinDays * DAY_MS)
    .sort((a, b) => Date.parse(b.survey.at) - Date.parse(a.survey.at))
    .map(({ survey, caseState }) => ({ who: survey.who, kind: survey.kind, score: survey.score, at: survey.at, comment: survey.comment, caseId: caseState?.id ?? null }));
  return {
    meeting: meetingOf(meeting),
    openCases: open.map((c) => ({
      id: c.id,
      title: c.title,
      url: c.url,
      severity: c.severity,
      status: c.status,
      escalationLevel: c.escalationLevel,
      openedAt: c.openedAt,
      ageHours: c.openedAt ? Math.round((now.getTime() - Date.parse(c.openedAt)) / HOUR_MS) : null,
      assignee: c.assignee,
      lastSupportUpdateAt: c.lastSupportUpdateAt,
      handoffs: c.handoffs,
      rejected: c.rejections.length > 0,
    })),
    customerSaid,
    supportOwners: [...owners].map(([name, caseIds]) => ({ name, caseIds })),
    recentlyFixed: recentlyFixed(facts.cases, now, policy.decay.forgetAfterDays),
    detractors,
    talkingPoints: talkingPoints(facts, now),
  };
}

/**
 * For an all-clear: when a meeting is coming up (within the nearest weighting band's reach, at
 * most a week), the alert says "resolved before your meeting" and lists what was fixed.
 */
export function resolvedBeforeMeeting(input: { meetings: readonly BriefableMeeting[]; facts: AccountFacts; now: Date; policy: HealthPolicy }): { meeting: Briefing['meeting']; recentlyFixed: Briefing['recentlyFixed'] } | null {
  const { meetings, facts, now, policy } = input;
  const horizon = Math.max(policy.briefing.hoursBefore, ...policy.salesWeighting.nearness.map((b) => b.withinHours)) * HOUR_MS;
  const next = meetings
    .filter((m) => !m.cancelled && m.startsAt && Date.parse(m.startsAt) > now.getTime() && Date.parse(m.startsAt) - now.getTime() <= horizon)
    .sort((a, b) => Date.parse(a.startsAt as string) - Date.parse(b.startsAt as string))[0];
  if (!next) return null;
  return { meeting: meetingOf(next), recentlyFixed: recentlyFixed(facts.cases, now, policy.decay.forgetAfterDays) };
}
