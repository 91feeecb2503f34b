import type { SignedLink } from '@forewarn/alerting';
import { AuditLog, DashboardDataModule, hashPassword, passwordNeedsRehash, SessionsRepository, SignInFailuresRepository, SignInLinksRepository, TxHost, type User, UsersRepository } from '@forewarn/database';
import { AuthService } from '../../apps/dashboard/src/auth/auth.service';
import { SignInThrottle } from '../../apps/dashboard/src/auth/sign-in-throttle';
import { DASHBOARD_CONFIG } from '../../apps/dashboard/src/common/dashboard.config';
import { FeedbackPublisher } from '../../apps/dashboard/src/feedback/feedback.publisher';
import { FeedbackReadModel } from '../../apps/dashboard/src/feedback/feedback.read-model';
import { OnceOnlyFeedback } from '../../apps/dashboard/src/feedback/once-only';
import { type IntegrationApp, integrationApp } from '../support/integration';

const IDLE_MINUTES = 30;
/** Two free failures per account, then 30 s, doubling up to 15 minutes. */
const config = {
  DASHBOARD_SESSION_IDLE_MINUTES: IDLE_MINUTES,
  DASHBOARD_LOGIN_FREE_FAILURES: 2,
  DASHBOARD_LOGIN_BACKOFF_SECONDS: 30,
  DASHBOARD_LOGIN_BACKOFF_MAX_SECONDS: 900,
};

const rep = (email: string): User => ({ email, name: null, role: 'rep', team: 'enterprise' });

/** Publishes nothing: records what the dashboard would have sent to the notifier, or fails when told to. */
class RecordingPublisher {
  readonly sent: { type: string; data: unknown }[] = [];
  failNext = false;

  private async send(type: string, data: unknown): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('Kafka is not reachable');
    }
    this.sent.push({ type, data });
  }

  acknowledge = (data: unknown) => this.send('acknowledged', data);
  snooze = (data: unknown) => this.send('snoozed', data);
}

describe('the dashboard schema against PostgreSQL: users, sessions, sign-in throttling, feedback published once', () => {
  let it_: IntegrationApp;
  let users: UsersRepository;
  let sessions: SessionsRepository;
  const publisher = new RecordingPublisher();

  /** The user of a live session, as the dashboard looks it up. */
  const sessionUser = async (sessionId: string) => {
    const email = await sessions.liveEmail(sessionId, IDLE_MINUTES);
    return email ? users.find(email) : null;
  };
  const age = (email: string, column: 'last_seen_at' | 'expires_at', minutes: number) =>
    it_.db.query(`UPDATE dashboard.sessions SET ${column} = now() - make_interval(mins => $2) WHERE email = $1`, [email, minutes]);

  beforeAll(async () => {
    it_ = await integrationApp('dashboard-users', {
      imports: [DashboardDataModule],
      providers: [
        { provide: DASHBOARD_CONFIG, useValue: config }, SignInThrottle, AuthService,
        { provide: FeedbackPublisher, useValue: publisher }, FeedbackReadModel, OnceOnlyFeedback,
      ],
    });
    users = it_.app.get(UsersRepository);
    sessions = it_.app.get(SessionsRepository);
  });

  afterAll(async () => {
    await it_?.close();
  });

  describe('users', () => {
    it('adds a user under the lower-case address, with a token that finds them', async () => {
      const added = await users.upsert({ email: ' Ann@Sales.Example ', name: 'Ann', role: 'lead', team: 'enterprise' });
      expect(added).toMatchObject({ user: { email: 'ann@sales.example', name: 'Ann', role: 'lead', team: 'enterprise' }, before: null, passwordSet: false, sessionsEnded: 0 });
      expect(added.token).toMatch(/^fw_usr_/);
      expect(await users.findByToken(added.token)).toEqual(added.user);
      expect(await users.find('ANN@sales.example')).toEqual(added.user);
    });

    it('updates a user with a new token, keeping the name when none is given; the old token stops working', async () => {
      const first = await users.upsert({ email: 'bo@sales.example', name: 'Bo', role: 'rep', team: 'enterprise' });
      const second = await users.upsert({ email: 'bo@sales.example', name: null, role: 'lead', team: 'mid-market' });
      expect(second.before).toEqual(first.user);
      expect(second.user).toEqual({ email: 'bo@sales.example', name: 'Bo', role: 'lead', team: 'mid-market' });
      expect(await users.findByToken(first.token)).toBeNull();
      expect(await users.findByToken(second.token)).toEqual(second.user);
    });
  });

  describe('sessions', () => {
    it('finds the user of a session until it is ended', async () => {
      await users.upsert(rep('di@sales.example'));
      const { sessionId, expiresAt } = await sessions.start('di@sales.example');
      expect(expiresAt.getTime()).toBeGreaterThan(Date.now() + 13 * 24 * 3600_000);
      expect(await sessionUser(sessionId)).toEqual(rep('di@sales.example'));
      await sessions.end(sessionId);
      expect(await sessionUser(sessionId)).toBeNull();
    });

    it('ends a session idle for longer than the limit, and marks a used one seen', async () => {
      await users.upsert(rep('ed@sales.example'));
      const { sessionId } = await sessions.start('ed@sales.example');
      await age('ed@sales.example', 'last_seen_at', IDLE_MINUTES - 5);
      expect(await sessionUser(sessionId)).toEqual(rep('ed@sales.example'));
      const [{ idle }] = await it_.db.query(`SELECT extract(epoch FROM now() - last_seen_at)::int AS idle FROM dashboard.sessions WHERE email = 'ed@sales.example'`);
      expect(idle).toBeLessThan(60);
      await age('ed@sales.example', 'last_seen_at', IDLE_MINUTES + 1);
      expect(await sessionUser(sessionId)).toBeNull();
    });

    it('ends a session at its end, however busy', async () => {
      await users.upsert(rep('fay@sales.example'));
      const { sessionId } = await sessions.start('fay@sales.example');
      await age('fay@sales.example', 'expires_at', 1);
      expect(await sessionUser(sessionId)).toBeNull();
      expect(await sessions.deleteEnded(IDLE_MINUTES)).toBeGreaterThanOrEqual(1);
      expect(await it_.db.query(`SELECT 1 FROM dashboard.sessions WHERE email = 'fay@sales.example'`)).toEqual([]);
    });

    it('revokes every session of a user, or all but the one that asked', async () => {
      await users.upsert(rep('gil@sales.example'));
      const [a, b, c] = [await sessions.start('gil@sales.example'), await sessions.start('gil@sales.example'), await sessions.start('gil@sales.example')];
      expect(await sessions.endAllOf('GIL@sales.example', a.sessionId)).toBe(2);
      expect([await sessionUser(a.sessionId), await sessionUser(b.sessionId), await sessionUser(c.sessionId)].map((u) => u?.email ?? null)).toEqual(['gil@sales.example', null, null]);
      expect(await sessions.endAllOf('gil@sales.example')).toBe(1);
      expect(await sessionUser(a.sessionId)).toBeNull();
    });

    it('ends the sessions of a user whose password changes or who is removed', async () => {
      await users.upsert(rep('hal@sales.example'));
      const [kept, other] = [await sessions.start('hal@sales.example'), await sessions.start('hal@sales.example')];
      expect(await users.setPassword('hal@sales.example', 'a new password', { keepSessionId: kept.sessionId })).toEqual({ sessionsEnded: 1 });
      expect(await sessionUser(other.sessionId)).toBeNull();
      await sessions.start('hal@sales.example');
      expect((await users.upsert(rep('hal@sales.example'), 'another password')).sessionsEnded).toBe(2);
      await sessions.start('hal@sales.example');
      expect(await users.remove('hal@sales.example')).toEqual({ removed: true, sessionsEnded: 1 });
      expect(await users.remove('hal@sales.example')).toEqual({ removed: false, sessionsEnded: 0 });
    });
  });

  describe('sign-in throttling', () => {
    const failures = (email: string) => it_.db.query('SELECT failures FROM dashboard.sign_in_failures WHERE email = $1', [email]);

    it('lets the free attempts at an account through, even all at once, and makes the next wait', async () => {
      const throttle = it_.app.get(SignInThrottle);
      const started = Date.now();
      const waits = await Promise.all([1, 2, 3, 4, 5].map((n) => throttle.begin('ivy@sales.example', `10.0.0.${n}`)));
      const elapsed = Date.now() - started;
      expect(waits.filter((wait) => wait === 0)).toHaveLength(2);
      // 30 s from the second failure, less what has passed since it was counted (on a loaded machine, seconds)
      const refused = waits.filter((wait) => wait > 0);
      expect(refused).toHaveLength(3);
      for (const wait of refused) {
        expect(wait).toBeLessThanOrEqual(30_000);
        expect(wait).toBeGreaterThanOrEqual(30_000 - elapsed - 2);
      }
      expect(await failures('ivy@sales.example')).toEqual([{ failures: 2 }]);
    });

    it('starts the count again after a success, and forgets counts nobody added to for a day', async () => {
      const throttle = it_.app.get(SignInThrottle);
      expect(await throttle.begin('Jo@sales.example', '10.0.1.1')).toBe(0);
      await throttle.failed('jo@sales.example', '10.0.1.1');
      expect(await failures('jo@sales.example')).toEqual([{ failures: 1 }]);
      await throttle.succeeded('jo@sales.example', '10.0.1.1');
      expect(await failures('jo@sales.example')).toEqual([]);

      await throttle.begin('kim@sales.example', '10.0.1.2');
      await it_.db.query(`UPDATE dashboard.sign_in_failures SET last_failure_at = now() - interval '25 hours' WHERE email = 'kim@sales.example'`);
      expect(await it_.app.get(SignInFailuresRepository).prune(24 * 3600_000)).toBe(1);
      expect(await failures('kim@sales.example')).toEqual([]);
    });

    it('refuses a wrong password; a password change ends the other sessions and is audited with it', async () => {
      const auth = it_.app.get(AuthService);
      const lee = rep('lee@sales.example');
      await users.upsert(lee);
      // Hashed at a low cost, as years ago: quick to check here, and replaced at today's cost when it matches.
      const cheap = await hashPassword('first password', { ln: 10, r: 8, p: 1 });
      await it_.db.query('UPDATE dashboard.users SET password_hash = $2 WHERE email = $1', ['lee@sales.example', cheap]);
      expect(await auth.signIn('lee@sales.example', 'wrong password', '10.0.2.1')).toEqual({ ok: false, reason: 'invalid' });
      const [asking, other] = [await sessions.start('lee@sales.example'), await sessions.start('lee@sales.example')];
      expect(await auth.userForSession(other.sessionId)).toEqual(lee);

      const changed = await auth.changePassword(lee, 'first password', 'second password', { address: '10.0.2.1', sessionId: asking.sessionId, via: 'api' });
      expect(changed).toEqual({ ok: true, sessionsEnded: 1 });
      expect(await auth.userForSession(other.sessionId)).toBeNull();
      expect(await auth.userForSession(asking.sessionId)).toEqual(lee);
      const [{ password_hash: stored }] = await it_.db.query('SELECT password_hash FROM dashboard.users WHERE email = $1', ['lee@sales.example']);
      expect(passwordNeedsRehash(stored)).toBe(false);
      expect(await it_.app.get(AuditLog).list({ action: 'user.password_changed' })).toEqual([
        expect.objectContaining({ actor: 'lee@sales.example', target: 'lee@sales.example', details: { via: 'api', sessionsEnded: 1 } }),
      ]);
    });
  });

  describe('feedback published once', () => {
    const acknowledge = (alertId: string, email: string) =>
      it_.app.get(OnceOnlyFeedback).acknowledge({ alertId, accountId: 'acme', state: 'at_risk', by: { email }, via: 'dashboard' });

    it('publishes only the first of two acknowledgements at the same moment, and tells the second who was first', async () => {
      publisher.sent.length = 0;
      const [a, b] = await Promise.all([acknowledge('alert-1', 'Ann@sales.example'), acknowledge('alert-1', 'bo@sales.example')]);
      expect([a.already, b.already].sort()).toEqual([false, true]);
      expect(a.acknowledgement).toEqual(b.acknowledgement);
      expect(publisher.sent).toHaveLength(1);
      expect(await it_.app.get(OnceOnlyFeedback).acknowledgement('alert-1')).toEqual(a.acknowledgement);
    });

    it('takes the claim back when publishing fails, so the person can try again', async () => {
      publisher.sent.length = 0;
      publisher.failNext = true;
      await expect(acknowledge('alert-2', 'cy@sales.example')).rejects.toThrow('Kafka is not reachable');
      expect(await it_.app.get(OnceOnlyFeedback).acknowledgement('alert-2')).toBeNull();
      expect((await acknowledge('alert-2', 'cy@sales.example')).already).toBe(false);
      expect(publisher.sent).toHaveLength(1);
    });

    it('lets a link from a mail act once, and says what it did when pressed again', async () => {
      publisher.sent.length = 0;
      const link: SignedLink = { action: 'snooze', hours: 24, alertId: 'alert-3', accountId: 'acme', email: 'Di@sales.example', expiresAt: Math.floor(Date.now() / 1000) + 3600 };
      const once = it_.app.get(OnceOnlyFeedback);
      const now = new Date();
      expect(await once.linkUse(link)).toBeNull();
      const first = await once.useLink(link, { state: 'at_risk', now });
      const until = new Date(now.getTime() + 24 * 3_600_000);
      expect(first).toEqual({ kind: 'snoozed', until });
      expect(await once.useLink(link, { state: 'at_risk', now: new Date() })).toEqual({ kind: 'used', usedAt: now, acknowledgement: null, snoozedUntil: until });
      expect(publisher.sent).toHaveLength(1);
    });
  });

  describe('invitations, deactivation and one-use sign-in links', () => {
    it('keeps an invited user out until the invitation sets the password, then lets them in', async () => {
      expect(await users.invite({ email: 'Nina@Sales.example', name: 'Nina', role: 'rep', team: 'enterprise' })).toBe(true);
      expect(await users.invite({ email: 'nina@sales.example', name: 'Nina', role: 'lead', team: null })).toBe(false);
      expect(await users.listing('nina@sales.example')).toMatchObject({ status: 'invited', role: 'rep' });
      expect(await users.find('nina@sales.example')).toBeNull();
      expect(await users.acceptInvite('nina@sales.example', 'a long enough password')).toBe(true);
      expect(await users.acceptInvite('nina@sales.example', 'another password')).toBe(false);
      expect(await users.verifyLogin('nina@sales.example', 'a long enough password')).toMatchObject({ email: 'nina@sales.example' });
    });

    it('refuses a deactivated user their password, token and sessions, and lets them back when reactivated', async () => {
      const added = await users.upsert({ email: 'dee@sales.example', name: 'Dee', role: 'rep', team: 'enterprise' }, 'dee-password-1');
      const { sessionId } = await sessions.start('dee@sales.example');
      const result = await it_.app.get(TxHost).withTransaction(() => users.setActive('dee@sales.example', false));
      expect(result).toMatchObject({ before: { status: 'active' }, sessionsEnded: 1 });
      expect(await users.verifyLogin('dee@sales.example', 'dee-password-1')).toBeNull();
      expect(await users.findByToken(added.token)).toBeNull();
      expect(await sessionUser(sessionId)).toBeNull();
      await it_.app.get(TxHost).withTransaction(() => users.setActive('dee@sales.example', true));
      expect(await users.findByToken(added.token)).toMatchObject({ email: 'dee@sales.example' });
    });

    it('lets a sign-in link work once, for the address it was sent to, until it expires', async () => {
      const links = it_.app.get(SignInLinksRepository);
      await users.upsert({ email: 'lin@sales.example', name: 'Lin', role: 'rep', team: 'enterprise' });
      const { token, expiresAt } = await links.issue('LIN@sales.example', 'sign-in');
      expect(expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(15 * 60_000);
      expect(await links.use(token, 'invite')).toBeNull();
      expect(await links.peek(token, 'sign-in')).toEqual({ email: 'lin@sales.example' });
      expect(await links.use(token, 'sign-in')).toEqual({ email: 'lin@sales.example' });
      expect(await links.use(token, 'sign-in')).toBeNull();
      const late = await links.issue('lin@sales.example', 'sign-in');
      await it_.db.query(`UPDATE dashboard.sign_in_links SET expires_at = now() - interval '1 second' WHERE email = 'lin@sales.example' AND used_at IS NULL`);
      expect(await links.use(late.token, 'sign-in')).toBeNull();
      expect(await links.deleteSpent()).toBe(2);
    });
  });
});
