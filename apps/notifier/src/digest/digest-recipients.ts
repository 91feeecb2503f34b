import type { DigestAccount } from '@forewarn/alerting';
import type { AlertRaised } from '@forewarn/contracts';
import type { CurrentHealth } from '@forewarn/database';

export interface DigestRecipient {
  email: string;
  name: string | null;
  timeZone: string;
  accounts: DigestAccount[];
}

/**
 * People who get a digest, with their accounts that are not healthy: each account's lead, and
 * anyone on it who asked for digests. Who is on an account comes from its latest alert; how it is
 * now, from account-health. A person's zone is the one they set, else the account's, else UTC.
 */
export function digestRecipients(
  latestAlerts: AlertRaised[],
  unhealthy: CurrentHealth[],
  digestReaders: ReadonlySet<string>,
  timeZones: ReadonlyMap<string, string>,
): DigestRecipient[] {
  const alertOf = new Map(latestAlerts.map((alert) => [alert.data.account.id, alert]));
  const byPerson = new Map<string, DigestRecipient>();
  for (const now of unhealthy) {
    const alert = alertOf.get(now.accountId);
    if (!alert) continue;
    const a = alert.data;
    const people = [
      ...(a.account.lead ? [a.account.lead] : []),
      ...[a.account.owner, ...a.account.members].filter((p) => digestReaders.has(p.email.toLowerCase())),
    ];
    const entry: DigestAccount = {
      id: a.account.id, name: a.account.name, state: now.state, score: now.score, why: now.why, openCases: now.openCases,
      nextMeeting: now.nextMeeting ? { title: now.nextMeeting.title, startsAt: now.nextMeeting.startsAt.toISOString() } : null,
    };
    for (const person of people) {
      const email = person.email.toLowerCase();
      const slot = byPerson.get(email) ?? { email, name: person.name ?? null, timeZone: timeZones.get(email) ?? a.account.timezone ?? 'UTC', accounts: [] };
      if (!slot.accounts.some((x) => x.id === entry.id)) slot.accounts.push(entry);
      byPerson.set(email, slot);
    }
  }
  return [...byPerson.values()];
}
