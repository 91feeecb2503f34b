import type { AlertAcknowledged, AlertRaised } from '@forewarn/contracts';
import type { NewWriteBack, WriteBackTarget } from '@forewarn/database';
import { type NoteFacts, type NoteMeeting, type NotePerson, noteText } from '@forewarn/write-back';

/** The meeting an alert names, if it is still ahead at `at`. */
function meetingAhead(alert: AlertRaised | undefined, at: string): NoteMeeting | null {
  const meeting = alert?.data.briefing?.meeting ?? alert?.data.nextMeeting;
  if (!meeting || Date.parse(meeting.startsAt) <= Date.parse(at)) return null;
  return { title: meeting.title, kind: meeting.kind, startsAt: meeting.startsAt };
}

const ownerOf = (alert: AlertRaised): NotePerson => ({ name: alert.data.account.owner.name ?? null, email: alert.data.account.owner.email });

/** One note per target: written (`pending`) where the source writes back, recorded only (`dry_run`) where it is trying it out. */
function notesFor(targets: WriteBackTarget[], accountId: string, alertId: string, facts: NoteFacts): NewWriteBack[] {
  const note = noteText(facts);
  return targets.map((t) => ({
    accountId, source: t.source, vendor: t.vendor, caseId: t.caseId, reason: facts.reason, alertId, note, tag: t.tag, status: t.mode === 'on' ? 'pending' : 'dry_run',
  }));
}

/**
 * Someone in sales acknowledged an alert: "sales is aware" on every open case of the account in
 * the helpdesks that write back — who, when, from where, the next meeting and whom to contact (the
 * account's owner, from the latest alert about it).
 */
export function acknowledgementNotes(ack: AlertAcknowledged, latest: AlertRaised | undefined, targets: WriteBackTarget[]): NewWriteBack[] {
  const by: NotePerson = { name: ack.data.by.name ?? null, email: ack.data.by.email };
  return notesFor(targets, ack.data.accountId, ack.data.alertId, {
    reason: 'acknowledged',
    accountName: latest?.data.account.name ?? ack.data.accountId,
    state: ack.data.state,
    aware: by,
    at: ack.time,
    via: ack.data.via,
    meeting: meetingAhead(latest, ack.time),
    contact: latest ? ownerOf(latest) : by,
  });
}

/** The cases an alert was about, among the targets: a note says "this one among them" only of those. */
const aboutTheAlert = (alert: AlertRaised, targets: WriteBackTarget[]): WriteBackTarget[] => {
  const listed = new Set(alert.data.openCases.map((c) => c.id));
  return targets.filter((t) => listed.has(t.caseId));
};

/** A briefing went out to `recipient` at `at`: support learns that sales is preparing the meeting, on the cases the briefing named. */
export function briefingNotes(alert: AlertRaised, recipient: NotePerson, at: string, targets: WriteBackTarget[]): NewWriteBack[] {
  if (alert.data.kind !== 'briefing') return [];
  return notesFor(aboutTheAlert(alert, targets), alert.data.account.id, alert.id, {
    reason: 'briefing', accountName: alert.data.account.name, state: alert.data.state, aware: recipient, at, meeting: meetingAhead(alert, at), contact: ownerOf(alert),
  });
}

/**
 * The support heads-up: an account that has just turned `firestorm` with a meeting ahead asks
 * support, on its open cases in the sources that want it (`--support-heads-up on`), to bring them
 * up to date before the meeting.
 */
export function supportHeadsUpNotes(alert: AlertRaised, targets: WriteBackTarget[]): NewWriteBack[] {
  const d = alert.data;
  if (d.kind !== 'heads-up' || d.state !== 'firestorm' || d.previousState === 'firestorm') return [];
  const meeting = meetingAhead(alert, alert.time);
  if (!meeting) return [];
  return notesFor(aboutTheAlert(alert, targets.filter((t) => t.supportHeadsUp)), d.account.id, alert.id, {
    reason: 'heads-up', accountName: d.account.name, state: d.state, aware: null, at: alert.time, meeting, contact: ownerOf(alert),
  });
}

/** Whether an alert could call for a support heads-up at all (so most alerts cost no query). */
export const mayNeedSupportHeadsUp = (alert: AlertRaised): boolean =>
  alert.data.kind === 'heads-up' && alert.data.state === 'firestorm' && alert.data.previousState !== 'firestorm' && alert.data.nextMeeting !== null;
