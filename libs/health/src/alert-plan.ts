import { decideAlert } from '@forewarn/alerting';
import type { AlertKind, HealthState } from '@forewarn/contracts';
import type { HealthAssessment } from './assess-health';
import { type BriefableMeeting, meetingToBrief } from './briefing';
import type { HealthPolicy } from './policy';

export interface PlannedAlert {
  kind: Extract<AlertKind, 'heads-up' | 'all-clear' | 'briefing'>;
  /** The meeting a briefing is for. */
  meeting: BriefableMeeting | null;
}

export interface AlertPlan {
  alerts: PlannedAlert[];
  /** What to remember for the next decision (see `decideAlert`). */
  alertedState: HealthState | null;
}

/**
 * Which alerts one re-evaluation of an account raises: a heads-up when it got worse than what the
 * team was told, an all-clear when it recovered, and — on the periodic sweep, so that it never
 * races the heads-up about the same change — a briefing before a meeting, once per meeting.
 */
export function planAlerts(input: {
  alertedState: HealthState | null;
  assessment: HealthAssessment;
  meetings: readonly BriefableMeeting[];
  briefed: ReadonlySet<string>;
  now: Date;
  policy: HealthPolicy;
  briefings: boolean;
}): AlertPlan {
  const decision = decideAlert({ alertedState: input.alertedState }, input.assessment.state);
  const alerts: PlannedAlert[] = decision.kind ? [{ kind: decision.kind, meeting: null }] : [];
  if (input.briefings) {
    const meeting = meetingToBrief({ state: input.assessment.state, meetings: input.meetings, briefed: input.briefed, now: input.now, policy: input.policy });
    if (meeting) alerts.push({ kind: 'briefing', meeting });
  }
  return { alerts, alertedState: decision.alertedState };
}
