import { type AlertCase, type AlertRaised, type HealthChanged, type HealthState } from '@forewarn/contracts';
import type { HealthAssessment } from '@forewarn/health';
import type { NextMeeting, StoredAccount } from './projection.store';

const SOURCE = '/forewarn/account-health';

export function healthChangedMessage(account: StoredAccount, assessment: HealthAssessment, previous: { state: HealthState; score: number } | null, id: string, now: Date): HealthChanged {
  return {
    specversion: '1.0',
    type: 'forewarn.health.changed',
    id,
    source: SOURCE,
    time: now.toISOString(),
    data: {
      accountId: account.id,
      accountName: account.name,
      state: assessment.state,
      previousState: previous?.state ?? null,
      score: assessment.score,
      previousScore: previous?.score ?? null,
      reasons: assessment.reasons,
    },
  };
}

/** The alert decision as the notifier needs it: who the account team is, why, what is open, what is next. */
export function alertRaisedMessage(input: {
  id: string;
  kind: AlertRaised['data']['kind'];
  account: StoredAccount;
  assessment: HealthAssessment;
  previousState: HealthState | null;
  openCases: AlertCase[];
  nextMeeting: NextMeeting | null;
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
      openCases: input.openCases,
      nextMeeting: nextMeeting
        ? { id: nextMeeting.id, title: nextMeeting.title, startsAt: nextMeeting.startsAt, kind: nextMeeting.kind, organizer: nextMeeting.organizer?.email ? { email: nextMeeting.organizer.email, ...(nextMeeting.organizer.name ? { name: nextMeeting.organizer.name } : {}) } : null }
        : null,
    },
  };
}
