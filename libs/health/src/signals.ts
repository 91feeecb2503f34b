import type { HealthReason } from '@forewarn/contracts';
import { type AccountFacts, allSurveys } from './account-facts';
import { type CaseState, isOpen } from './case-state';
import { caseBurden, decayFactor, isPositiveSurvey } from './decay';
import type { HealthPolicy, Severity } from './policy';
import { ago, caseEvidence, caseName, DAY_MS, duration, HOUR_MS, names, plural, quoteOf, SEVERITY_WORD } from './words';

/**
 * The signals. Each is a pure function of the account's facts, the policy and the clock, and
 * returns one reason — a sentence a rep would say to a colleague, the points it takes off, and
 * the evidence (which case, since when, who said what) — or null when it has nothing to say.
 * Weights are not rounded here; `assessHealth` rounds them once.
 */
export type Signal = (facts: AccountFacts, policy: HealthPolicy, now: Date) => HealthReason | null;

const open = (facts: AccountFacts): CaseState[] => facts.cases.filter(isOpen);
const age = (at: string | null, now: Date): number => (at ? now.getTime() - Date.parse(at) : 0);

/** Open cases weigh by severity: "“Checkout down” is a critical case and still open". */
export const openSevereCases: Signal = (facts, policy) => {
  const weights = policy.openCases.weightBySeverity;
  const serious = open(facts).filter((c) => c.severity !== null && weights[c.severity as Severity] > 0);
  if (serious.length === 0) return null;
  const worst = Math.min(...serious.map((c) => c.severity as number));
  const label = serious.length === 1
    ? `${caseName(serious[0])} is a ${SEVERITY_WORD[worst]} case and still open`
    : `${plural(serious.length, 'serious case')} open, the worst ${SEVERITY_WORD[worst]}`;
  return {
    code: 'open_severe_cases',
    label,
    weight: serious.reduce((sum, c) => sum + weights[c.severity as Severity], 0),
    evidence: serious.map((c) => caseEvidence(c, { detail: `severity ${c.severity}` })),
  };
};

/** Open escalations weigh by level. */
export const openEscalations: Signal = (facts, policy) => {
  const escalated = open(facts).filter((c) => c.escalationLevel > 0);
  if (escalated.length === 0) return null;
  const label = escalated.length === 1
    ? `${caseName(escalated[0])} is escalated to level ${escalated[0].escalationLevel}`
    : `${plural(escalated.length, 'open escalation')}, up to level ${Math.max(...escalated.map((c) => c.escalationLevel))}`;
  return {
    code: 'open_escalations',
    label,
    weight: escalated.reduce((sum, c) => sum + c.escalationLevel * policy.escalations.perLevel, 0),
    evidence: escalated.map((c) => caseEvidence(c, { detail: `escalation level ${c.escalationLevel}` })),
  };
};

/** The oldest open escalation weighs more the longer it lasts, after a grace period. */
export const oldestEscalation: Signal = (facts, policy, now) => {
  const { graceHours, perDay, max } = policy.oldestEscalation;
  const escalated = open(facts).filter((c) => c.escalationLevel > 0 && c.escalatedAt);
  if (escalated.length === 0) return null;
  const oldest = escalated.reduce((a, b) => (Date.parse(a.escalatedAt as string) <= Date.parse(b.escalatedAt as string) ? a : b));
  const overdueMs = age(oldest.escalatedAt, now) - graceHours * HOUR_MS;
  if (overdueMs <= 0) return null;
  return {
    code: 'oldest_escalation',
    label: `${caseName(oldest)} has been escalated for ${duration(age(oldest.escalatedAt, now))} without a fix`,
    weight: Math.min(max, (overdueMs / DAY_MS) * perDay),
    evidence: [caseEvidence(oldest, { detail: `escalated ${ago(oldest.escalatedAt as string, now)}`, ...(oldest.assignee ? { who: oldest.assignee } : {}) })],
  };
};

/** The customer said no to what support offered. */
export const rejectedResolutions: Signal = (facts, policy) => {
  const rejected = open(facts).filter((c) => c.rejections.length > 0);
  if (rejected.length === 0) return null;
  const latest = (c: CaseState) => c.rejections[c.rejections.length - 1];
  const first = rejected[0];
  const label = rejected.length === 1
    ? `The customer rejected the proposed resolution of ${caseName(first)}${latest(first).reason ? `: “${quoteOf(latest(first).reason as string)}”` : ''}`
    : `The customer rejected the proposed resolution on ${plural(rejected.length, 'case')}`;
  return {
    code: 'rejected_resolution',
    label,
    weight: rejected.length * policy.rejectedResolution.weight,
    evidence: rejected.map((c) => caseEvidence(c, { since: latest(c).at, ...(latest(c).who ? { who: latest(c).who as string } : {}), ...(latest(c).reason ? { quote: quoteOf(latest(c).reason as string) } : {}) })),
  };
};

/** Cases that came back after being marked solved. */
export const reopenedCases: Signal = (facts, policy) => {
  const reopened = open(facts).filter((c) => c.reopenCount > 0);
  if (reopened.length === 0) return null;
  const label = reopened.length === 1
    ? `${caseName(reopened[0])} was reopened ${reopened[0].reopenCount === 1 ? 'after being marked solved' : `${reopened[0].reopenCount} times`}`
    : `${plural(reopened.length, 'case')} reopened after being marked solved`;
  return { code: 'reopened_cases', label, weight: reopened.length * policy.reopened.weight, evidence: reopened.map((c) => caseEvidence(c, { detail: `reopened ${c.reopenCount}×` })) };
};

/** The same case handed between agents again and again. */
export const handoffLoops: Signal = (facts, policy) => {
  const { atLeast, weight, perExtra } = policy.handoffs;
  const bounced = open(facts).filter((c) => c.handoffs >= atLeast);
  if (bounced.length === 0) return null;
  const label = bounced.length === 1
    ? `${caseName(bounced[0])} was handed between agents ${bounced[0].handoffs} times`
    : `${plural(bounced.length, 'case')} keep being handed between agents`;
  return {
    code: 'handoff_loops',
    label,
    weight: bounced.reduce((sum, c) => sum + weight + (c.handoffs - atLeast) * perExtra, 0),
    evidence: bounced.map((c) => caseEvidence(c, { detail: `${c.handoffs} hand-offs`, ...(c.assignee ? { who: c.assignee } : {}) })),
  };
};

/** Open cases nobody in support touched within the interval expected for their severity. */
export const staleCases: Signal = (facts, policy, now) => {
  const { expectedUpdateHours, weightBySeverity } = policy.stale;
  const stale = open(facts)
    .filter((c) => c.status !== 'pending')
    .map((c) => {
      const severity = (c.severity ?? 3) as Severity;
      const quietMs = age(c.lastSupportUpdateAt ?? c.openedAt, now);
      return { c, severity, quietMs, expectedHours: expectedUpdateHours[severity] };
    })
    .filter(({ quietMs, expectedHours }) => quietMs > expectedHours * HOUR_MS);
  if (stale.length === 0) return null;
  const longest = stale.reduce((a, b) => (a.quietMs >= b.quietMs ? a : b));
  const label = stale.length === 1
    ? `Nobody in support has updated ${caseName(longest.c)} for ${duration(longest.quietMs)}`
    : `${plural(stale.length, 'open case')} without an update from support, the longest for ${duration(longest.quietMs)}`;
  return {
    code: 'stale_cases',
    label,
    weight: stale.reduce((sum, s) => sum + weightBySeverity[s.severity], 0),
    evidence: stale.map(({ c, quietMs, expectedHours }) =>
      caseEvidence(c, { detail: `no update for ${duration(quietMs)} (expected every ${duration(expectedHours * HOUR_MS)})`, ...(c.assignee ? { who: c.assignee } : {}) })),
  };
};

/** Open cases that breached their SLA. */
export const slaBreaches: Signal = (facts, policy) => {
  const breached = open(facts).filter((c) => c.slaBreaches > 0);
  if (breached.length === 0) return null;
  const label = breached.length === 1 ? `${caseName(breached[0])} breached its SLA` : `${plural(breached.length, 'open case')} breached the SLA`;
  return { code: 'sla_breaches', label, weight: breached.length * policy.slaBreach.weight, evidence: breached.map((c) => caseEvidence(c)) };
};

/** What the customer wrote, scored by the sentiment model; recent angry comments weigh, fading. */
export const negativeComments: Signal = (facts, policy, now) => {
  const { sentimentAtMost, withinDays, halfLifeDays, weight, max } = policy.negativeComments;
  const angry = facts.cases
    .flatMap((c) => c.customerComments.map((comment) => ({ c, comment })))
    .filter(({ comment }) => comment.sentiment <= sentimentAtMost && age(comment.at, now) <= withinDays * DAY_MS && age(comment.at, now) >= 0)
    .sort((a, b) => a.comment.sentiment - b.comment.sentiment || Date.parse(b.comment.at) - Date.parse(a.comment.at));
  if (angry.length === 0) return null;
  const worst = angry[0];
  const label = angry.length === 1
    ? `${worst.comment.who ?? 'The customer'} wrote on ${caseName(worst.c)}: “${quoteOf(worst.comment.excerpt, 120)}”`
    : `${plural(angry.length, 'angry customer comment')} in the last ${withinDays} days${angry.some((a) => a.comment.who) ? ` (${names(angry.map((a) => a.comment.who).filter((w): w is string => !!w))})` : ''}`;
  const total = angry.reduce((sum, { comment }) => sum + weight * decayFactor(age(comment.at, now), halfLifeDays), 0);
  return {
    code: 'negative_comments',
    label,
    weight: Math.min(max, total),
    evidence: angry.map(({ c, comment }) => ({
      ...caseEvidence(c, { since: comment.at, quote: quoteOf(comment.excerpt), detail: `sentiment ${comment.sentiment.toFixed(2)}` }),
      ...(comment.who ? { who: comment.who } : {}),
    })),
  };
};

const surveyWords = (s: { kind: 'csat' | 'nps'; score: number }): string => (s.kind === 'csat' ? `CSAT ${s.score}/5` : `NPS ${s.score}, a detractor`);

/** Poor CSAT and NPS detractors, by name, with or without a case; fading over the survey window. */
export const poorSurveys: Signal = (facts, policy, now) => {
  const { csatAtMost, npsAtMost, withinDays, halfLifeDays, weight } = policy.poorSurveys;
  const poor = allSurveys(facts)
    .filter(({ survey }) => age(survey.at, now) <= withinDays * DAY_MS && age(survey.at, now) >= 0)
    .filter(({ survey }) => (survey.kind === 'csat' ? survey.score <= csatAtMost : survey.score <= npsAtMost))
    .sort((a, b) => Date.parse(b.survey.at) - Date.parse(a.survey.at));
  if (poor.length === 0) return null;
  const whoSaid = poor.map(({ survey }) => `${survey.who ?? 'someone'} (${surveyWords(survey)})`);
  const single = poor[0].survey;
  const label = poor.length === 1
    ? `${single.kind === 'nps' ? `${single.who ?? 'A customer'} is a detractor (NPS ${single.score})` : `${single.who ?? 'A customer'} rated support ${single.score}/5`}${single.comment ? `: “${quoteOf(single.comment, 120)}”` : ''}`
    : `${plural(poor.length, 'poor survey answer')} in the last ${withinDays} days: ${names(whoSaid, 4)}`;
  return {
    code: 'poor_surveys',
    label,
    weight: poor.reduce((sum, { survey }) => sum + weight * decayFactor(age(survey.at, now), halfLifeDays), 0),
    evidence: poor.map(({ survey, caseState }) => ({
      ...(caseState ? caseEvidence(caseState) : {}),
      since: survey.at,
      detail: survey.kind === 'csat' ? `CSAT ${survey.score}` : `NPS ${survey.score}`,
      ...(survey.who ? { who: survey.who } : {}),
      ...(survey.comment ? { quote: quoteOf(survey.comment) } : {}),
    })),
  };
};

/** Resolved problems keep weighing for a while and fade: the customer remembers the one time it went wrong. */
export const recentlyResolved: Signal = (facts, policy, now) => {
  const { halfLifeDays, memoryShare, forgetAfterDays, positiveSurveyFactor } = policy.decay;
  const remembered = facts.cases
    .filter((c) => !isOpen(c) && c.resolvedAt && age(c.resolvedAt, now) <= forgetAfterDays * DAY_MS)
    .map((c) => {
      const praise = c.surveys.find((s) => Date.parse(s.at) >= Date.parse(c.resolvedAt as string) && isPositiveSurvey(s)) ?? null;
      const weight = caseBurden(c, policy) * memoryShare * decayFactor(age(c.resolvedAt, now), halfLifeDays) * (praise ? positiveSurveyFactor : 1);
      return { c, praise, weight };
    })
    .filter((r) => r.weight >= 0.5)
    .sort((a, b) => b.weight - a.weight);
  if (remembered.length === 0) return null;
  const what = (c: CaseState): string => {
    const bits = [
      c.worstSeverity && c.worstSeverity <= 2 ? SEVERITY_WORD[c.worstSeverity] : null,
      c.peakEscalationLevel > 0 ? 'escalated' : null,
      c.rejections.length > 0 ? 'a rejected workaround' : null,
    ].filter(Boolean);
    return bits.length ? ` (${bits.join(', ')})` : '';
  };
  const top = remembered[0];
  const label = remembered.length === 1
    ? `${caseName(top.c)} was fixed ${ago(top.c.resolvedAt as string, now)}${what(top.c)}; the customer will still remember it${top.praise ? `, though ${top.praise.who ?? 'they'} rated the fix ${top.praise.kind === 'csat' ? `${top.praise.score}/5` : `NPS ${top.praise.score}`}` : ''}`
    : `${plural(remembered.length, 'problem')} fixed in the last ${forgetAfterDays} days still on the customer's mind, the latest ${caseName(top.c)}`;
  return {
    code: 'recently_resolved',
    label,
    weight: remembered.reduce((sum, r) => sum + r.weight, 0),
    evidence: remembered.map(({ c, praise }) => caseEvidence(c, {
      since: c.resolvedAt as string,
      detail: `fixed ${ago(c.resolvedAt as string, now)}${praise ? `, rated ${praise.kind === 'csat' ? `CSAT ${praise.score}` : `NPS ${praise.score}`}` : ''}`,
    })),
  };
};

/** Every signal, in the order their reasons are listed when they weigh the same. */
export const SIGNALS: readonly Signal[] = [
  openSevereCases, openEscalations, rejectedResolutions, handoffLoops, oldestEscalation, reopenedCases, staleCases,
  slaBreaches, negativeComments, poorSurveys, recentlyResolved,
];
