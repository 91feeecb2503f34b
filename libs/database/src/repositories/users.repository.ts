import { queryRows, type SqlRunner } from '../query-rows';
import { hashCredential, hashPassword, newCredential, passwordNeedsRehash, verifyPassword } from './secrets';

export const USER_ROLES = ['rep', 'lead', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

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

interface UserRow { email: string; name: string | null; role: UserRole; team: string | null; password_hash?: string | null }
const toUser = (row: UserRow): User => ({ email: row.email, name: row.name, role: row.role, team: row.team });
const USER_COLUMNS = 'email, name, role, team';

/** A session ends 14 days after sign-in, whatever happens, or earlier when idle (`sessionIdleMinutes`). */
export const SESSION_DAYS = 14;
export const DEFAULT_SESSION_IDLE_MINUTES = 480;

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

/** Dashboard users, their API tokens and web sessions (`dashboard.*`). Only hashes are stored. */
export class UsersRepository {
  private readonly idleMinutes: number;

  constructor(private readonly db: SqlRunner, options: { sessionIdleMinutes?: number } = {}) {
    this.idleMinutes = options.sessionIdleMinutes ?? DEFAULT_SESSION_IDLE_MINUTES;
  }

  async find(email: string): Promise<User | null> {
    const rows = await queryRows<UserRow>(this.db, `SELECT ${USER_COLUMNS} FROM dashboard.users WHERE email = $1`, [email.trim().toLowerCase()]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  /**
   * Adds or updates a user and issues a new API token (the old one stops working). A new password
   * ends the user's sessions. Run it in a transaction to keep `before` exact under concurrent changes.
   */
  async upsert(user: User, password?: string): Promise<UserUpsert> {
    const email = user.email.trim().toLowerCase();
    const token = newCredential('fw_usr');
    const passwordHash = password ? await hashPassword(password) : null;
    const [existing] = await queryRows<UserRow>(this.db, `SELECT ${USER_COLUMNS} FROM dashboard.users WHERE email = $1 FOR UPDATE`, [email]);
    const rows = await queryRows<UserRow>(
      this.db,
      `INSERT INTO dashboard.users (email, name, role, team, token_hash, password_hash)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (email) DO UPDATE SET name = COALESCE(EXCLUDED.name, dashboard.users.name), role = EXCLUDED.role,
         team = EXCLUDED.team, token_hash = EXCLUDED.token_hash, password_hash = COALESCE(EXCLUDED.password_hash, dashboard.users.password_hash)
       RETURNING ${USER_COLUMNS}`,
      [email, user.name, user.role, user.team, hashCredential(token), passwordHash],
    );
    const sessionsEnded = existing && passwordHash ? await this.endSessions(email) : 0;
    return { user: toUser(rows[0]), token, before: existing ? toUser(existing) : null, passwordSet: !!passwordHash, sessionsEnded };
  }

  /** Removes the user: their token stops working and their sessions end. False when there was no such user. */
  async remove(email: string): Promise<{ removed: boolean; sessionsEnded: number }> {
    const sessionsEnded = await this.endSessions(email);
    const rows = await queryRows<{ email: string }>(this.db, 'DELETE FROM dashboard.users WHERE email = $1 RETURNING email', [email.trim().toLowerCase()]);
    return { removed: rows.length > 0, sessionsEnded };
  }

  async findByToken(token: string): Promise<User | null> {
    const rows = await queryRows<UserRow>(this.db, `SELECT ${USER_COLUMNS} FROM dashboard.users WHERE token_hash = $1`, [hashCredential(token)]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  /**
   * The user when the password matches. An unknown e-mail, or a user without a password, costs the
   * same hash as a wrong password. A hash made at a lower cost than today's is replaced on success.
   */
  async verifyLogin(email: string, password: string): Promise<User | null> {
    const rows = await queryRows<UserRow>(this.db, `SELECT ${USER_COLUMNS}, password_hash FROM dashboard.users WHERE email = $1`, [email.trim().toLowerCase()]);
    const stored = rows[0]?.password_hash ?? null;
    if (!(await verifyPassword(password, stored)) || !rows[0]) return null;
    if (passwordNeedsRehash(stored)) {
      // Only if nobody changed the password meanwhile.
      await this.db.query('UPDATE dashboard.users SET password_hash = $3 WHERE email = $1 AND password_hash = $2', [rows[0].email, stored, await hashPassword(password)]);
    }
    return toUser(rows[0]);
  }

  /** Sets a new password and ends the user's sessions, except `keepSessionId` (the one that asked). */
  async setPassword(email: string, password: string, options: { keepSessionId?: string } = {}): Promise<{ sessionsEnded: number }> {
    const hash = await hashPassword(password);
    await this.db.query('UPDATE dashboard.users SET password_hash = $2 WHERE email = $1', [email.trim().toLowerCase(), hash]);
    return { sessionsEnded: await this.endSessions(email, options.keepSessionId) };
  }

  async startSession(email: string): Promise<{ sessionId: string; expiresAt: Date }> {
    const sessionId = newCredential('fw_ses');
    const expiresAt = new Date(Date.now() + SESSION_DAYS * 24 * 3600 * 1000);
    await this.db.query('INSERT INTO dashboard.sessions (id_hash, email, expires_at) VALUES ($1, $2, $3)', [hashCredential(sessionId), email, expiresAt]);
    return { sessionId, expiresAt };
  }

  /**
   * The user of a session that is neither past its end nor idle for longer than the idle limit.
   * Marks it seen at most once a minute (or twice per idle limit, when that is shorter), so a busy
   * session costs no write per request.
   */
  async findBySession(sessionId: string): Promise<User | null> {
    const rows = await queryRows<UserRow>(
      this.db,
      `WITH live AS (
         SELECT id_hash, email, last_seen_at FROM dashboard.sessions
         WHERE id_hash = $1 AND expires_at > now() AND last_seen_at > now() - make_interval(secs => $2::float8)
       ), touched AS (
         UPDATE dashboard.sessions s SET last_seen_at = now() FROM live
         WHERE s.id_hash = live.id_hash AND live.last_seen_at < now() - make_interval(secs => least(60, $2::float8 / 2))
       )
       SELECT u.email, u.name, u.role, u.team FROM live JOIN dashboard.users u ON u.email = live.email`,
      [hashCredential(sessionId), this.idleMinutes * 60],
    );
    return rows[0] ? toUser(rows[0]) : null;
  }

  async endSession(sessionId: string): Promise<void> {
    await this.db.query('DELETE FROM dashboard.sessions WHERE id_hash = $1', [hashCredential(sessionId)]);
  }

  /** Ends every session of the user (but `exceptSessionId`); returns how many ended. */
  async endSessions(email: string, exceptSessionId?: string): Promise<number> {
    const rows = await queryRows<{ id_hash: string }>(
      this.db,
      'DELETE FROM dashboard.sessions WHERE email = $1 AND id_hash <> $2 RETURNING id_hash',
      [email.trim().toLowerCase(), exceptSessionId ? hashCredential(exceptSessionId) : ''],
    );
    return rows.length;
  }

  /** Forgets sessions that ended (absolutely or by being idle); they no longer work anyway. */
  async deleteEndedSessions(): Promise<number> {
    const rows = await queryRows<{ id_hash: string }>(
      this.db,
      'DELETE FROM dashboard.sessions WHERE expires_at <= now() OR last_seen_at <= now() - make_interval(secs => $1::float8) RETURNING id_hash',
      [this.idleMinutes * 60],
    );
    return rows.length;
  }
}
