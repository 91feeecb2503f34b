import type { AlertRaised } from '@forewarn/contracts';

export interface Recipient {
  email: string;
  name: string | null;
  role: 'owner' | 'member' | 'lead' | 'organizer';
}

/**
 * Who the account names for an alert: the account owner and the account team; the lead too when it
 * is a firestorm; for a briefing also the meeting's organizer. Each address once (case-insensitive),
 * the owner's role winning. Who of them is actually told is the audience's call (`splitAudience`):
 * only our own people, so a customer who organised the meeting is dropped, an internal organizer kept.
 */
export function recipientsFor(alert: AlertRaised['data']): Recipient[] {
  const { owner, members, lead } = alert.account;
  const candidates: Recipient[] = [
    { email: owner.email, name: owner.name ?? null, role: 'owner' },
    ...members.map((m) => ({ email: m.email, name: m.name ?? null, role: 'member' as const })),
    ...(lead && alert.state === 'firestorm' ? [{ email: lead.email, name: lead.name ?? null, role: 'lead' as const }] : []),
    ...(alert.kind === 'briefing' && alert.nextMeeting?.organizer
      ? [{ email: alert.nextMeeting.organizer.email, name: alert.nextMeeting.organizer.name ?? null, role: 'organizer' as const }]
      : []),
  ];
  const seen = new Set<string>();
  return candidates
    .map((r) => ({ ...r, email: r.email.trim().toLowerCase() }))
    .filter((r) => (seen.has(r.email) ? false : (seen.add(r.email), true)));
}
