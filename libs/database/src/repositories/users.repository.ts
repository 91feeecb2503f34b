import type { DataSource } from 'typeorm';
import { hashCredential, hashPassword, newCredential, verifyPassword } from './secrets';

export const USER_ROLES = ['rep', 'lead', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export interface User {
  email: string;
  name: string | null;
  role: UserRole;
  team: string | null;
}

interface UserRow { email: string; name: string | null; role: UserRole; team: string | null; password_hash?: string | null }
const toUser = (row: UserRow): User => ({ email: row.email, name: row.name, role: row.role, team: row.team });

const SESSION_DAYS = 14;

/** Dashboard users, their API tokens and web sessions (`dashboard.*`). Only hashes are stored. */
export class UsersRepository {
  constructor(private readonly db: DataSource) {}

  /** Adds or updates a user and issues a new API token (the old one stops working). */
  async upsert(user: User, password?: string): Promise<{ user: User; token: string }> {
    const token = newCredential('fw_usr');
    const passwordHash = password ? await hashPassword(password) : null;
    const rows: UserRow[] = await this.db.query(
      `INSERT INTO dashboard.users (email, name, role, team, token_hash, password_hash)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (email) DO UPDATE SET name = COALESCE(EXCLUDED.name, dashboard.users.name), role = EXCLUDED.role,
         team = EXCLUDED.team, token_hash = EXCLUDED.token_hash, password_hash = COALESCE(EXCLUDED.password_hash, dashboard.users.password_hash)
       RETURNING email, name, role, team`,
      [user.email.toLowerCase(), user.name, user.role, user.team, hashCredential(token), passwordHash],
    );
    return { user: toUser(rows[0]), token };
  }

  async findByToken(token: string): Promise<User | null> {
    const rows: UserRow[] = await this.db.query('SELECT email, name, role, team FROM dashboard.users WHERE token_hash = $1', [hashCredential(token)]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async verifyLogin(email: string, password: string): Promise<User | null> {
    const rows: UserRow[] = await this.db.query('SELECT email, name, role, team, password_hash FROM dashboard.users WHERE email = $1', [email.trim().toLowerCase()]);
    if (!rows[0] || !(await verifyPassword(password, rows[0].password_hash ?? null))) return null;
    return toUser(rows[0]);
  }

  async startSession(email: string): Promise<{ sessionId: string; expiresAt: Date }> {
    const sessionId = newCredential('fw_ses');
    const expiresAt = new Date(Date.now() + SESSION_DAYS * 24 * 3600 * 1000);
    await this.db.query('INSERT INTO dashboard.sessions (id_hash, email, expires_at) VALUES ($1, $2, $3)', [hashCredential(sessionId), email, expiresAt]);
    return { sessionId, expiresAt };
  }

  async findBySession(sessionId: string): Promise<User | null> {
    const rows: UserRow[] = await this.db.query(
      `SELECT u.email, u.name, u.role, u.team FROM dashboard.sessions s JOIN dashboard.users u ON u.email = s.email
       WHERE s.id_hash = $1 AND s.expires_at > now()`,
      [hashCredential(sessionId)],
    );
    return rows[0] ? toUser(rows[0]) : null;
  }

  async endSession(sessionId: string): Promise<void> {
    await this.db.query('DELETE FROM dashboard.sessions WHERE id_hash = $1', [hashCredential(sessionId)]);
  }
}
