import { Inject, Injectable } from '@nestjs/common';
import { hashCredential, type User, UsersRepository } from '@forewarn/database';
import { TtlCache } from '../common/ttl-cache';

/** How long a token or session lookup is trusted without asking the database again. */
const LOOKUP_TTL_MS = 15_000;

/** Who is asking: by API token or by web session, each looked up briefly cached. */
@Injectable()
export class AuthService {
  private readonly tokens = new TtlCache<string, User>(LOOKUP_TTL_MS);
  private readonly sessions = new TtlCache<string, User>(LOOKUP_TTL_MS);

  constructor(@Inject(UsersRepository) private readonly users: UsersRepository) {}

  async userForToken(token: string): Promise<User | null> {
    return this.cached(this.tokens, token, () => this.users.findByToken(token));
  }

  async userForSession(sessionId: string): Promise<User | null> {
    return this.cached(this.sessions, sessionId, () => this.users.findBySession(sessionId));
  }

  /** Checks the password and opens a session; null when the e-mail and password do not match. */
  async signIn(email: string, password: string): Promise<{ user: User; sessionId: string; expiresAt: Date } | null> {
    const user = await this.users.verifyLogin(email, password);
    if (!user) return null;
    const { sessionId, expiresAt } = await this.users.startSession(user.email);
    return { user, sessionId, expiresAt };
  }

  async signOut(sessionId: string): Promise<void> {
    this.sessions.delete(hashCredential(sessionId));
    await this.users.endSession(sessionId);
  }

  private async cached(cache: TtlCache<string, User>, credential: string, lookUp: () => Promise<User | null>): Promise<User | null> {
    const key = hashCredential(credential);
    const hit = cache.get(key);
    if (hit) return hit;
    const user = await lookUp();
    if (user) cache.set(key, user);
    return user;
  }
}
