import { Injectable } from '@nestjs/common';
import { hashCredential, hashPassword, newCredential, passwordNeedsRehash, verifyPassword } from '../repositories/secrets';
import { TxHost } from '../unit-of-work';
import { normalEmail } from './normal-email';
import { SessionsRepository } from './sessions.repository';
import { UserEntity, type UserRole } from './user.entity';

export { USER_ROLES, type UserRole } from './user.entity';

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

  async find(email: string): Promise<User | null> {
    const found = await this.users.findOneBy({ email: normalEmail(email) });
    return found ? toUser(found) : null;
  }

  /**
   * Adds or updates a user and issues a new API token (the old one stops working). A new password
   * ends the user's sessions. Run it in a unit of work to keep `before` exact under concurrent changes.
   */
  async upsert(user: User, password?: string): Promise<UserUpsert> {
    const email = normalEmail(user.email);
    const token = newCredential('fw_usr');
    const passwordHash = password ? await hashPassword(password) : null;
    // Locks the existing row, so `before` is what this change replaces.
    const [existing]: User[] = await this.txHost.tx.query('SELECT email, name, role, team FROM dashboard.users WHERE email = $1 FOR UPDATE', [email]);
    const [saved]: User[] = await this.txHost.tx.query(
      `INSERT INTO dashboard.users (email, name, role, team, token_hash, password_hash)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (email) DO UPDATE SET name = COALESCE(EXCLUDED.name, dashboard.users.name), role = EXCLUDED.role,
         team = EXCLUDED.team, token_hash = EXCLUDED.token_hash, password_hash = COALESCE(EXCLUDED.password_hash, dashboard.users.password_hash)
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
    const found = await this.users.findOneBy({ tokenHash: hashCredential(token) });
    return found ? toUser(found) : null;
  }

  /**
   * The user when the password matches. An unknown e-mail, or a user without a password, costs the
   * same hash as a wrong password. A hash made at a lower cost than today's is replaced on success.
   */
  async verifyLogin(email: string, password: string): Promise<User | null> {
    const found = await this.users.findOneBy({ email: normalEmail(email) });
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
