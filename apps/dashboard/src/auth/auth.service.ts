import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { DashboardConfig } from '@forewarn/config';
import { AuditLog, hashCredential, SessionsRepository, SignInLinksRepository, TxHost, type User, UsersRepository } from '@forewarn/database';
import { Metrics } from '@forewarn/service-kit';
import { TtlCache } from '../common/ttl-cache';
import { DASHBOARD_CONFIG } from '../common/dashboard.config';
import { SignInThrottle } from './sign-in-throttle';

/**
 * How long a token or session lookup is trusted without asking the database again: 15 s, or a
 * quarter of the idle limit when that is shorter. It is also how long a session or token that was
 * revoked elsewhere (the command line, another instance) may still work here; on this instance a
 * sign-out or password change takes effect at once.
 */
export const LOOKUP_TTL_MS = 15_000;
/** How often ended sessions, forgotten sign-in failures and spent sign-in links are deleted. */
const HOUSEKEEPING_MS = 10 * 60_000;

export type SignInResult =
  | { ok: true; user: User; sessionId: string; expiresAt: Date }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterMs: number };

export type PasswordChangeResult =
  | { ok: true; sessionsEnded: number }
  | { ok: false; reason: 'wrong-current' }
  | { ok: false; reason: 'throttled'; retryAfterMs: number };

/** Who is asking: by API token or by web session, each looked up briefly cached. */
@Injectable()
export class AuthService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(AuthService.name);
  private readonly tokenUsers: TtlCache<string, User>;
  private readonly sessionUsers: TtlCache<string, User>;
  private readonly idleMinutes: number;
  private housekeeping: NodeJS.Timeout | null = null;
  private readonly signIns;

  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly links: SignInLinksRepository,
    private readonly throttle: SignInThrottle,
    private readonly audit: AuditLog,
    private readonly txHost: TxHost,
    @Inject(DASHBOARD_CONFIG) config: DashboardConfig,
    metrics: Metrics,
  ) {
    this.signIns = metrics.counter('forewarn_dashboard_sign_ins_total', 'Sign-in attempts by outcome (ok, invalid, throttled)', ['outcome']);
    this.idleMinutes = config.DASHBOARD_SESSION_IDLE_MINUTES;
    const ttl = Math.min(LOOKUP_TTL_MS, (this.idleMinutes * 60_000) / 4);
    this.tokenUsers = new TtlCache(ttl);
    this.sessionUsers = new TtlCache(ttl);
  }

  onModuleInit(): void {
    this.housekeeping = setInterval(() => void this.keepHouse(), HOUSEKEEPING_MS);
    this.housekeeping.unref();
  }

  onApplicationShutdown(): void {
    if (this.housekeeping) clearInterval(this.housekeeping);
  }

  async userForToken(token: string): Promise<User | null> {
    return this.cached(this.tokenUsers, token, () => this.users.findByToken(token));
  }

  async userForSession(sessionId: string): Promise<User | null> {
    return this.cached(this.sessionUsers, sessionId, async () => {
      const email = await this.sessions.liveEmail(sessionId, this.idleMinutes);
      return email ? this.users.find(email) : null;
    });
  }

  /**
   * Checks the password and opens a session. Too many failures for the account or from the
   * address make the next attempt wait; an unknown e-mail costs the same as a wrong password.
   */
  async signIn(email: string, password: string, address: string): Promise<SignInResult> {
    const wait = await this.throttle.begin(email, address);
    if (wait > 0) {
      this.signIns.inc({ outcome: 'throttled' });
      return { ok: false, reason: 'throttled', retryAfterMs: wait };
    }
    const user = await this.users.verifyLogin(email, password);
    if (!user) {
      this.signIns.inc({ outcome: 'invalid' });
      await this.throttle.failed(email, address);
      return { ok: false, reason: 'invalid' };
    }
    this.signIns.inc({ outcome: 'ok' });
    await this.throttle.succeeded(email, address);
    const { sessionId, expiresAt } = await this.sessions.start(user.email);
    return { ok: true, user, sessionId, expiresAt };
  }

  async signOut(sessionId: string): Promise<void> {
    this.sessionUsers.delete(hashCredential(sessionId));
    await this.sessions.end(sessionId);
  }

  /**
   * A signed-in user changes their password: the current one must be right (and counts as a
   * sign-in attempt), and every other session of theirs ends — at once on this instance. The
   * change and its audit entry are one unit of work.
   */
  async changePassword(user: User, current: string, next: string, context: { address: string; sessionId: string | null; via: 'page' | 'api' }): Promise<PasswordChangeResult> {
    const wait = await this.throttle.begin(user.email, context.address);
    if (wait > 0) return { ok: false, reason: 'throttled', retryAfterMs: wait };
    if (!(await this.users.verifyLogin(user.email, current))) {
      await this.throttle.failed(user.email, context.address);
      return { ok: false, reason: 'wrong-current' };
    }
    await this.throttle.succeeded(user.email, context.address);
    const { sessionsEnded } = await this.txHost.withTransaction(async () => {
      const changed = await this.users.setPassword(user.email, next, { keepSessionId: context.sessionId ?? undefined });
      await this.audit.record({ actor: user.email, action: 'user.password_changed', target: user.email, details: { via: context.via, sessionsEnded: changed.sessionsEnded } });
      return changed;
    });
    const keep = context.sessionId ? hashCredential(context.sessionId) : null;
    this.sessionUsers.deleteWhere((cached, key) => cached.email === user.email && key !== keep);
    return { ok: true, sessionsEnded };
  }

  private async cached(cache: TtlCache<string, User>, credential: string, lookUp: () => Promise<User | null>): Promise<User | null> {
    const key = hashCredential(credential);
    const hit = cache.get(key);
    if (hit) return hit;
    const user = await lookUp();
    if (user) cache.set(key, user);
    return user;
  }

  private async keepHouse(): Promise<void> {
    try {
      const sessions = await this.sessions.deleteEnded(this.idleMinutes);
      const failures = await this.throttle.prune();
      const links = await this.links.deleteSpent();
      if (sessions || failures || links) this.logger.debug({ msg: 'housekeeping', endedSessionsDeleted: sessions, signInFailuresForgotten: failures, spentLinksDeleted: links });
    } catch (error) {
      this.logger.warn({ msg: 'housekeeping failed; trying again later', error: (error as Error).message });
    }
  }
}
