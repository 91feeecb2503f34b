import type { AlertCase, AlertRaised, Briefing, HealthChanged, HealthState } from '@forewarn/contracts';
import { type BriefableMeeting, type CaseState, type HealthAssessment, isOpen } from '@forewarn/health';
import type { StoredAccount } from '@forewarn/database';

const SOURCE = '/forewarn/account-health';

export type RecomputeCause = 'events' | 'sweep' | 'policy' | 'replay';

export function healthChangedMessage(input: {
  account: StoredAccount;
  assessment: HealthAssessment;
  previous: { state: HealthState; score: number } | null;
  id: string;
  now: Date;
  cause: RecomputeCause;
}): HealthChanged {
  const { account, assessment, previous } = input;
  return {
    specversion: '1.0',
    type: 'forewarn.health.changed',
    id: input.id,
    source: SOURCE,
    time: input.now.toISOString(),
    data: {
      accountId: account.id,
      accountName: account.name,
      state: assessment.state,
      previousState: previous?.state ?? null,
      score: assessment.score,
      previousScore: previous?.score ?? null,
      reasons: assessment.reasons,
      forcedBy: assessment.forcedBy,
      policyVersion: assessment.policyVersion,
      cause: input.cause,
    },
  };
}

/** Open cases as the alert lists them: worst first, at most 20. */
export function alertCases(cases: readonly CaseState[]): AlertCase[] {
  return cases
    .filter(isOpen)
    .sort((a, b) => (a.severity ?? 9) - (b.severity ?? 9) || b.escalationLevel - a.escalationLevel || (a.openedAt ?? '').localeCompare(b.openedAt ?? '') || a.id.localeCompare(b.id))
    .slice(0, 20)
    .map((c) => ({ id: c.id, title: c.title, url: c.url, severity: c.severity, status: c.status, escalationLevel: c.escalationLevel, openedAt: c.openedAt, assignee: c.assignee }));
}

const organizerOf = (m: BriefableMeeting) => (m.organizer?.email ? { email: m.organizer.email, ...(m.organizer.name ? { name: m.organizer.name } : {}) } : null);

/** The alert decision as the notifier needs it: who the account team is, why, what is open, what is next. */
export function alertRaisedMessage(input: {
  id: string;
  kind: AlertRaised['data']['kind'];
  account: StoredAccount;
  assessment: HealthAssessment;
  previousState: HealthState | null;
  cases: readonly CaseState[];
  nextMeeting: BriefableMeeting | null;
  briefing?: Briefing;
  resolvedBeforeMeeting?: AlertRaised['data']['resolvedBeforeMeeting'];
  now: Date;
}): AlertRaised {
  const { account, assessment, nextMeeting } = input;
  return {
    specversion: '1.0',
    type: 'forewarn.alert.raised',
    id: input.id,
    source: SOURCE,
    time: input.now.toISOString(),
    data: {
      kind: input.kind,
      account: {
        id: account.id,
        name: account.name,
        owner: { email: account.ownerEmail, ...(account.ownerName ? { name: account.ownerName } : {}) },
        lead: account.leadEmail ? { email: account.leadEmail, ...(account.leadName ? { name: account.leadName } : {}) } : null,
        members: account.members.map((m) => ({ email: m.email, ...(m.name ? { name: m.name } : {}) })),
        team: account.team,
        timezone: account.timezone,
      },
      state: assessment.state,
      previousState: input.previousState,
      score: assessment.score,
      reasons: assessment.reasons,
      openCases: alertCases(input.cases),
      nextMeeting: nextMeeting?.startsAt
        ? { id: nextMeeting.id, title: nextMeeting.title, startsAt: nextMeeting.startsAt, kind: nextMeeting.kind, organizer: organizerOf(nextMeeting) }
        : null,
      forcedBy: assessment.forcedBy,
      ...(input.briefing ? { briefing: input.briefing } : {}),
      ...(input.resolvedBeforeMeeting ? { resolvedBeforeMeeting: input.resolvedBeforeMeeting } : {}),
    },
  };
}
