import { ALLOWANCES, type Allowance } from '@forewarn/contracts';
import { isSourceKind, SOURCE_KIND_ALLOWANCES, type SourceKind, USER_ROLES, type UserRole } from '@forewarn/database';

const DURATION_UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** The longest grace an old key gets, as on the command line. */
export const MAX_GRACE_MS = 30 * 86_400_000;

/** "0", "90s", "30m", "24h", "7d" as milliseconds; null when it is none of these (or longer than 30 days). */
export function parseGrace(text: string): number | null {
  const match = /^(\d+)\s*(s|m|h|d)?$/.exec(text.trim());
  if (!match) return null;
  const [, amount, unit] = match;
  if (!unit && Number(amount) !== 0) return null;
  const ms = Number(amount) * (unit ? DURATION_UNITS[unit] : 0);
  return ms <= MAX_GRACE_MS ? ms : null;
}

export const SOURCE_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

const field = (body: Record<string, unknown>, name: string): string => (typeof body[name] === 'string' ? (body[name] as string).trim() : '');
const many = (body: Record<string, unknown>, name: string): string[] => [body[name]].flat().filter((v): v is string => typeof v === 'string');

/** The "add a source" form: a name, a kind and what it may send (within what its kind can be for). */
export function parseNewSource(body: Record<string, unknown>): Parsed<{ name: string; kind: SourceKind; allow: Allowance[] }> {
  const name = field(body, 'name');
  const kind = field(body, 'kind');
  if (!SOURCE_NAME.test(name)) return { ok: false, problem: 'The name must be lower-case letters, digits, ".", "_" or "-" (e.g. zendesk-eu).' };
  if (!isSourceKind(kind)) return { ok: false, problem: 'Choose what kind of system it is.' };
  const asked = many(body, 'allow').filter((a): a is Allowance => (ALLOWANCES as readonly string[]).includes(a));
  const possible = SOURCE_KIND_ALLOWANCES[kind];
  const allow = asked.length ? asked.filter((a) => possible.includes(a)) : [...possible];
  if (allow.length === 0) return { ok: false, problem: `A ${kind} source can only send ${possible.join(', ')}.` };
  return { ok: true, value: { name, kind, allow } };
}

/** The "invite someone" form. */
export function parseInvite(body: Record<string, unknown>): Parsed<{ email: string; name: string | null; role: UserRole; team: string | null }> {
  const email = field(body, 'email').toLowerCase();
  const role = field(body, 'role');
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 320) return { ok: false, problem: 'Enter the e-mail address to send the invitation to.' };
  if (!(USER_ROLES as readonly string[]).includes(role)) return { ok: false, problem: 'Choose a role.' };
  return { ok: true, value: { email, name: field(body, 'name').slice(0, 200) || null, role: role as UserRole, team: field(body, 'team').slice(0, 100) || null } };
}

/** The role and team of a user, as changed on the users page. */
export function parseRoleAndTeam(body: Record<string, unknown>): Parsed<{ role: UserRole; team: string | null }> {
  const role = field(body, 'role');
  if (!(USER_ROLES as readonly string[]).includes(role)) return { ok: false, problem: 'Choose a role.' };
  return { ok: true, value: { role: role as UserRole, team: field(body, 'team').slice(0, 100) || null } };
}
