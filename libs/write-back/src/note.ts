import type { HealthState } from '@forewarn/contracts';

/** Why Forewarn writes to a case: sales acknowledged an alert, was briefed for a meeting, or asks support for an update before one. */
export const WRITE_BACK_REASONS = ['acknowledged', 'briefing', 'heads-up'] as const;
export type WriteBackReason = (typeof WRITE_BACK_REASONS)[number];

export interface NotePerson {
  name: string | null;
  email: string;
}

export interface NoteMeeting {
  title: string | null;
  kind: string | null;
  startsAt: string;
}

/** What a note says, gathered when the reason arises (the note is written later, perhaps after retries, and says the same). */
export interface NoteFacts {
  reason: WriteBackReason;
  accountName: string;
  state: HealthState;
  /** Who in sales is aware: who acknowledged, who was briefed. Null for the support heads-up. */
  aware: NotePerson | null;
  /** When they acknowledged or were briefed (ISO 8601). */
  at: string;
  /** Where an acknowledgement came from. */
  via?: 'email' | 'dashboard' | string;
  meeting: NoteMeeting | null;
  /** Whom support should contact in sales: the account's owner. */
  contact: NotePerson;
}

const STATE_WORD: Record<HealthState, string> = { healthy: 'healthy', watch: 'watch', at_risk: 'at risk', firestorm: 'firestorm' };
const VIA_WORD: Record<string, string> = { email: 'from the alert e-mail', dashboard: 'on the Forewarn dashboard' };

const UTC = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** "Tue 26 Nov 2026, 10:00 UTC": helpdesk agents work in every time zone, so the note says which. */
export function noteTime(iso: string): string {
  const part = Object.fromEntries(UTC.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${part.weekday} ${part.day} ${part.month} ${part.year}, ${part.hour}:${part.minute} UTC`;
}

const person = (p: NotePerson): string => (p.name ? `${p.name} <${p.email}>` : p.email);

const meetingLine = (m: NoteMeeting): string => `${m.title ?? (m.kind ? `${m.kind} meeting` : 'a meeting')}, ${noteTime(m.startsAt)}`;

/**
 * The internal note for a case, in plain text (each adapter writes it in its vendor's format):
 * who in sales is aware, which meeting and when, whom to contact. Forewarn's reference line is
 * added when it is written (`withReference`).
 */
export function noteText(facts: NoteFacts): string {
  const contact = `Whom to contact in sales: ${person(facts.contact)}, the account owner.`;
  const meeting = facts.meeting ? `Next meeting with ${facts.accountName}: ${meetingLine(facts.meeting)}.` : `No meeting with ${facts.accountName} is scheduled.`;
  switch (facts.reason) {
    case 'acknowledged':
      return [
        `Sales is aware of this case: ${facts.aware ? person(facts.aware) : 'the account team'} acknowledged Forewarn's ${STATE_WORD[facts.state]} alert about ${facts.accountName} on ${noteTime(facts.at)}${facts.via && VIA_WORD[facts.via] ? `, ${VIA_WORD[facts.via]}` : ''}.`,
        meeting,
        contact,
      ].join('\n');
    case 'briefing':
      return [
        facts.meeting ? `Sales is preparing a meeting with ${facts.accountName}: ${meetingLine(facts.meeting)}.` : `Sales is preparing a meeting with ${facts.accountName}.`,
        `${facts.aware ? person(facts.aware) : 'The account team'} was briefed on ${facts.accountName}'s open cases, this one among them, on ${noteTime(facts.at)}.`,
        contact,
      ].join('\n');
    case 'heads-up':
      return [
        `Heads-up from sales: ${facts.accountName} is in a ${STATE_WORD[facts.state]}${facts.meeting ? `, with a meeting ahead: ${meetingLine(facts.meeting)}` : ''}.`,
        `Please bring this case up to date${facts.meeting ? ' before the meeting' : ''}, so the account team walks in with the facts.`,
        contact,
      ].join('\n');
  }
}

/** The text of a reference that names one note: how Forewarn finds out whether an interrupted attempt wrote it. */
export const noteMarker = (ref: string): string => `forewarn:${ref}`;

/** The note as written: its text and Forewarn's reference line. */
export const withReference = (text: string, ref: string): string => `${text}\n\n(Written by Forewarn, ${noteMarker(ref)})`;
