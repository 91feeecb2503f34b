import { Injectable } from '@nestjs/common';
import { hashCredential, hashPassword, newCredential, passwordNeedsRehash, verifyPassword } from '../repositories/secrets';
import { TxHost } from '../unit-of-work';
import { normalEmail } from './normal-email';
import { SessionsRepository } from './sessions.repository';
import { UserEntity, type UserRole, type UserStatus } from './user.entity';

export { USER_ROLES, USER_STATUSES, type UserRole, type UserStatus } from './user.entity';

export interface User {
  email: string;
  name: string | null;
  role: UserRole;
  team: string | null;
}

/** Shortest password accepted, from the command line and the dashboard alike. */
export const MIN_PASSWORD_LENGTH = 8;
/** Longest password accepted: beyond it a password is no stronger, only slower to hash. */
export const MAX_PASSWORD_LENGTH = 1000;

/** What is wrong with a new password, as the end of a sentence ("must be …"); null when it will do. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
  return null;
}

const toUser = (row: Pick<UserEntity, 'email' | 'name' | 'role' | 'team'>): User => ({ email: row.email, name: row.name, role: row.role, team: row.team });

/** What `upsert` changed, for the audit log and the caller's output. */
export interface UserUpsert {
  user: User;
  token: string;
  /** The user as it was before, null for a new user. */
  before: User | null;
  passwordSet: boolean;
  /** Sessions ended because the password changed. */
  sessionsEnded: number;
}

/** A user as the admin page lists them: who, in which state, since when. */
export interface UserListing extends User {
  status: UserStatus;
  createdAt: string;
}

/**
 * Dashboard users and their API tokens (`dashboard.users`). Only hashes are stored. A user's
 * sessions end when their password changes or they are removed: the sessions repository ends them.
 */
@Injectable()
export class UsersRepository {
  constructor(private readonly txHost: TxHost, private readonly sessions: SessionsRepository) {}

  private get users() {
    return this.txHost.tx.getRepository(UserEntity);
  }

  /** An active user (one who may sign in); null for an unknown, invited or deactivated one. */
  async find(email: string): Promise<User | null> {
    const found = await this.users.findOneBy({ email: normalEmail(email), status: 'active' });
    return found ? toUser(found) : null;
  }

  /** A user in any state, for the admin pages. */
  async listing(email: string): Promise<UserListing | null> {
    const found = await this.users.findOneBy({ email: normalEmail(email) });
    return found ? { ...toUser(found), status: found.status, createdAt: found.createdAt.toISOString() } : null;
  }

  /** Every user, admins first, then by name. */
  async list(): Promise<UserListing[]> {
    const all = await this.users.find({ order: { email: 'ASC' } });
    const rank: Record<UserRole, number> = { admin: 0, lead: 1, rep: 2 };
    return all
      .map((u) => ({ ...toUser(u), status: u.status, createdAt: u.createdAt.toISOString() }))
      .sort((a, b) => rank[a.role] - rank[b.role] || (a.name ?? a.email).localeCompare(b.name ?? b.email));
  }

  /**
   * An admin invites someone: a user in the `invited` state, with no password and a token nobody
   * knows, until the invite link sets the password. False when the address is taken.
   */
  async invite(user: User): Promise<boolean> {
    const { raw } = await this.users.createQueryBuilder().insert()
      .values({ email: normalEmail(user.email), name: user.name, role: user.role, team: user.team, tokenHash: hashCredential(newCredential('fw_usr')), passwordHash: null, status: 'invited' })
      .orIgnore().returning('email').execute();
    return (raw as unknown[]).length > 0;
  }

  /** The invite link was used: the password is set and the user active. False when there was no invited user. */
  async acceptInvite(email: string, password: string): Promise<boolean> {
    const passwordHash = await hashPassword(password);
    const { affected } = await this.users.update({ email: normalEmail(email), status: 'invited' }, { passwordHash, status: 'active' });
    return !!affected;
  }

  /** Changes role and team (the admin page); the user as it was and as it is now, null when unknown. */
  async setRoleAndTeam(email: string, role: UserRole, team: string | null): Promise<{ before: UserListing; after: UserListing } | null> {
    const before = await this.lockedListing(email);
    if (!before) return null;
    await this.users.update({ email: before.email }, { role, team });
    return { before, after: { ...before, role, team } };
  }

  /**
   * Deactivates or reactivates a user. A deactivated user cannot sign in and their token stops
   * working; their sessions end here. Null when unknown.
   */
  async setActive(email: string, active: boolean): Promise<{ before: UserListing; sessionsEnded: number } | null> {
    const before = await this.lockedListing(email);
    if (!before) return null;
    const status: UserStatus = active ? (before.status === 'deactivated' ? 'active' : before.status) : 'deactivated';
    await this.users.update({ email: before.email }, { status });
    const sessionsEnded = active ? 0 : await this.sessions.endAllOf(before.email);
    return { before, sessionsEnded };
  }

  private async lockedListing(email: string): Promise<UserListing | null> {
    const [row]: { email: string; name: string | null; role: UserRole; team: string | null; status: UserStatus; created_at: Date }[] = await this.txHost.tx.query(
      'SELECT email, name, role, team, status, created_at FROM dashboard.users WHERE email = $1 FOR UPDATE',
      [normalEmail(email)],
    );
    return row ? { ...toUser(row), status: row.status, createdAt: row.created_at.toISOString() } : null;
  }

  /**
   * Adds or updates a user and issues a new API token (the old one stops working). A new password
   * ends the user's sessions. The user is active afterwards (the command line adds people who are to
   * sign in). Run it in a unit of work to keep `before` exact under concurrent changes.
   */
  async upsert(user: User, password?: string): Promise<UserUpsert> {
    const email = normalEmail(user.email);
    const token = newCredential('fw_usr');
    const passwordHash = password ? await hashPassword(password) : null;
    // Locks the existing row, so `before` is what this change replaces.
    const [existing]: User[] = await this.txHost.tx.query('SELECT email, name, role, team FROM dashboard.users WHERE email = $1 FOR UPDATE', [email]);
    const [saved]: User[] = await this.txHost.tx.query(
      `INSERT INTO dashboard.users (email, name, role, team, token_hash, password_hash, status)
       VALUES ($1, $2, $3, $4, $5, $6, 'active')
       ON CONFLICT (email) DO UPDATE SET name = COALESCE(EXCLUDED.name, dashboard.users.name), role = EXCLUDED.role,
         team = EXCLUDED.team, token_hash = EXCLUDED.token_hash, password_hash = COALESCE(EXCLUDED.password_hash, dashboard.users.password_hash), status = 'active'
       RETURNING email, name, role, team`,
      [email, user.name, user.role, user.team, hashCredential(token), passwordHash],
    );
    const sessionsEnded = existing && passwordHash ? await this.sessions.endAllOf(email) : 0;
    return { user: toUser(saved), token, before: existing ? toUser(existing) : null, passwordSet: !!passwordHash, sessionsEnded };
  }

  /** Removes the user: their token stops working and their sessions end. False when there was no such user. */
  async remove(email: string): Promise<{ removed: boolean; sessionsEnded: number }> {
    const sessionsEnded = await this.sessions.endAllOf(email);
    const { affected } = await this.users.delete({ email: normalEmail(email) });
    return { removed: !!affected, sessionsEnded };
  }

  async findByToken(token: string): Promise<User | null> {
    const found = await this.users.findOneBy({ tokenHash: hashCredential(token), status: 'active' });
    return found ? toUser(found) : null;
  }

  /**
   * The active user when the password matches. An unknown e-mail, or a user without a password (or
   * not active), costs the same hash as a wrong password. A hash made at a lower cost than today's
   * is replaced on success.
   */
  async verifyLogin(email: string, password: string): Promise<User | null> {
    const found = await this.users.findOneBy({ email: normalEmail(email), status: 'active' });
    const stored = found?.passwordHash ?? null;
    const matches = await verifyPassword(password, stored);
    if (!found || !stored || !matches) return null;
    if (passwordNeedsRehash(stored)) {
      // Only if nobody changed the password meanwhile.
      await this.users.update({ email: found.email, passwordHash: stored }, { passwordHash: await hashPassword(password) });
    }
    return toUser(found);
  }

  /** Sets a new password and ends the user's sessions, except `keepSessionId` (the one that asked). */
  async setPassword(email: string, password: string, options: { keepSessionId?: string } = {}): Promise<{ sessionsEnded: number }> {
    const passwordHash = await hashPassword(password);
    await this.users.update({ email: normalEmail(email) }, { passwordHash });
    return { sessionsEnded: await this.sessions.endAllOf(email, options.keepSessionId) };
  }
}
