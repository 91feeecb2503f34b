import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DashboardConfig } from '@forewarn/config';
import { AuditLog, SessionsRepository, SignInLinksRepository, TxHost, type User, UsersRepository } from '@forewarn/database';
import { DASHBOARD_CONFIG } from '../common/dashboard.config';
import { AccountMailer } from './account-mail';
import { SignInThrottle } from './sign-in-throttle';

export type LinkRequest = { ok: true } | { ok: false; retryAfterMs: number };
export type LinkSignIn = { ok: true; user: User; sessionId: string; expiresAt: Date } | { ok: false };

/**
 * Sign-in without a password: a one-use link by e-mail, working 15 minutes, for the address it was
 * sent to only. Invitations work the same way, for a week, and set the password once. Requests
 * count like failed sign-ins (per account and per client address), so nobody can flood an inbox.
 */
@Injectable()
export class SignInLinks {
  private readonly logger = new Logger(SignInLinks.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly links: SignInLinksRepository,
    private readonly sessions: SessionsRepository,
    private readonly throttle: SignInThrottle,
    private readonly mailer: AccountMailer,
    private readonly audit: AuditLog,
    private readonly txHost: TxHost,
    @Inject(DASHBOARD_CONFIG) private readonly config: DashboardConfig,
  ) {}

  /**
   * Mails a sign-in link if the address belongs to an active user. The answer is the same either
   * way, and as quick: the mail goes out after it.
   */
  async request(email: string, address: string): Promise<LinkRequest> {
    const wait = await this.throttle.begin(email, address);
    if (wait > 0) return { ok: false, retryAfterMs: wait };
    await this.throttle.failed(email, address);
    void this.mailLink(email);
    return { ok: true };
  }

  /** Whether a link would still work (the page that asks to confirm, since mail scanners open links). */
  async usable(token: string, purpose: 'sign-in' | 'invite'): Promise<string | null> {
    return (await this.links.peek(token, purpose))?.email ?? null;
  }

  /** Uses a sign-in link: a session for the active user it was sent to. */
  async signIn(token: string): Promise<LinkSignIn> {
    return this.txHost.withTransaction(async () => {
      const link = await this.links.use(token, 'sign-in');
      const user = link ? await this.users.find(link.email) : null;
      if (!user) return { ok: false } as const;
      const { sessionId, expiresAt } = await this.sessions.start(user.email);
      return { ok: true, user, sessionId, expiresAt } as const;
    });
  }

  /** An admin invites someone: an invited user, the invitation mailed, and the audit entry, in one unit of work. False when the address is taken. */
  async invite(by: User, invitee: User): Promise<{ ok: boolean; mailed: boolean }> {
    const issued = await this.txHost.withTransaction(async () => {
      if (!(await this.users.invite(invitee))) return null;
      await this.audit.record({ actor: by.email, action: 'user.invited', target: invitee.email, details: { role: invitee.role, team: invitee.team, name: invitee.name } });
      return this.links.issue(invitee.email, 'invite');
    });
    if (!issued) return { ok: false, mailed: false };
    const mailed = await this.mailInvite(invitee, by, issued.token);
    return { ok: true, mailed };
  }

  /** Sends an invited user a new invitation (the earlier link stops working). */
  async reinvite(by: User, email: string): Promise<boolean> {
    const listed = await this.users.listing(email);
    if (!listed || listed.status !== 'invited') return false;
    const issued = await this.txHost.withTransaction(async () => {
      await this.audit.record({ actor: by.email, action: 'user.reinvited', target: listed.email, details: {} });
      return this.links.issue(listed.email, 'invite');
    });
    return this.mailInvite(listed, by, issued.token);
  }

  /** Uses an invitation: the password set, the user active and signed in. */
  async accept(token: string, password: string): Promise<LinkSignIn> {
    return this.txHost.withTransaction(async () => {
      const link = await this.links.use(token, 'invite');
      if (!link || !(await this.users.acceptInvite(link.email, password))) return { ok: false } as const;
      await this.audit.record({ actor: link.email, action: 'user.invite_accepted', target: link.email, details: {} });
      const user = await this.users.find(link.email);
      if (!user) return { ok: false } as const;
      const { sessionId, expiresAt } = await this.sessions.start(user.email);
      return { ok: true, user, sessionId, expiresAt } as const;
    });
  }

  private async mailLink(email: string): Promise<void> {
    try {
      const user = await this.users.find(email);
      if (!user) return;
      const { token } = await this.links.issue(user.email, 'sign-in');
      await this.mailer.send({
        kind: 'sign-in', to: user.email, subject: 'Your Forewarn sign-in link',
        lines: [`Hello ${user.name ?? user.email},`, 'Here is the link to sign in to Forewarn. It works once, for the next 15 minutes.'],
        button: { label: 'Sign in to Forewarn', url: `${this.config.PUBLIC_URL}/login/link/${token}` },
        footer: 'If you did not ask for it, ignore this mail: nobody can sign in without opening it.',
      });
    } catch (error) {
      this.logger.warn({ msg: 'sign-in link not sent', error: (error as Error).message });
    }
  }

  private mailInvite(invitee: Pick<User, 'email' | 'name' | 'role' | 'team'>, by: User, token: string): Promise<boolean> {
    const what = `${invitee.role === 'lead' ? 'a sales lead' : invitee.role === 'admin' ? 'an admin' : 'an account rep'}${invitee.team ? ` in ${invitee.team}` : ''}`;
    return this.mailer.send({
      kind: 'invite', to: invitee.email, subject: `${by.name ?? by.email} invited you to Forewarn`,
      lines: [`Hello ${invitee.name ?? invitee.email},`, `${by.name ?? by.email} invited you to Forewarn as ${what}: which customer accounts are burning before your next meeting, and why.`, 'Open the link to choose your password. It works once, for 7 days.'],
      button: { label: 'Set up my account', url: `${this.config.PUBLIC_URL}/invite/${token}` },
      footer: 'Expired? Ask an admin to invite you again.',
    });
  }
}
