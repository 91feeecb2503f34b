import type { User } from '../dashboard/users.repository';
import type { NewAuditEntry } from './audit-log';

/**
 * What `user add` did to a user, as audit entries: `user.added` for a new one; for an existing one
 * an entry per change (`user.role_changed`, `user.team_changed`, `user.renamed`,
 * `user.password_set`) and `user.token_rotated`, since every add issues a new token. Never the
 * password or the token themselves.
 */
export function userAddEntries(actor: string, before: User | null, after: User, outcome: { passwordSet: boolean; sessionsEnded: number }): NewAuditEntry[] {
  const target = after.email;
  if (!before) {
    return [{ actor, action: 'user.added', target, details: { role: after.role, team: after.team, name: after.name, passwordSet: outcome.passwordSet } }];
  }
  const entries: NewAuditEntry[] = [];
  if (before.role !== after.role) entries.push({ actor, action: 'user.role_changed', target, details: { from: before.role, to: after.role } });
  if ((before.team ?? null) !== (after.team ?? null)) entries.push({ actor, action: 'user.team_changed', target, details: { from: before.team, to: after.team } });
  if ((before.name ?? null) !== (after.name ?? null)) entries.push({ actor, action: 'user.renamed', target, details: { from: before.name, to: after.name } });
  if (outcome.passwordSet) entries.push({ actor, action: 'user.password_set', target, details: { sessionsEnded: outcome.sessionsEnded } });
  entries.push({ actor, action: 'user.token_rotated', target, details: {} });
  return entries;
}
