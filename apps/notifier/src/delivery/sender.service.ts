import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AudienceBook, type ChatSummary, type DeliveryMemory, type MailActions, type RenderedMail, renderAlertMail, renderDigestMail, retryDelivery, signLink, suppressionFor } from '@forewarn/alerting';
import type { NotifierConfig } from '@forewarn/config';
import { MAIL_HEADER } from '@forewarn/contracts';
import { AcknowledgementsRepository, type DueNotification, NotificationsRepository, PreferencesRepository, SnoozesRepository } from '@forewarn/database';
import { Metrics, BackgroundWorker, contextOf, inSpan, traceIdOf } from '@forewarn/service-kit';
import { type Span, SpanStatusCode } from '@opentelemetry/api';
import { NOTIFIER_CONFIG, noisePolicyOf } from '../notifier.config';
import { WriteBackPlanner } from '../writeback/write-back-planner';
import { ChatPoster } from './chat-poster';
import { Mailer } from './mailer';

const CLAIM_BATCH = 20;
const PARALLEL_SENDS = 2;
/** Longer than nodemailer's connect + greeting + socket timeouts, so a lease never runs out mid-send. */
const LEASE_MS = 120_000;
/** Recording an outcome stops retrying this long before the lease ends, so no one else has claimed the row yet. */
const PERSIST_MARGIN_MS = 10_000;

/** A claimed notification and when its lease runs out. */
type Leased = DueNotification & { leaseEndsAt: number };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Delivers due notifications over SMTP. Rows are claimed with `FOR UPDATE SKIP LOCKED` under a
 * lease, so several notifier instances share the work and a crash only delays a mail. While SMTP
 * fails, rows are retried with backoff: mail waits, it never vanishes.
 */
@Injectable()
export class SenderService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SenderService.name);
  private readonly delivered;
  private readonly failures;
  private readonly suppressed;
  private readonly chatPosts;
  private readonly worker: BackgroundWorker;

  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly preferences: PreferencesRepository,
    private readonly acknowledgements: AcknowledgementsRepository,
    private readonly snoozes: SnoozesRepository,
    @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig,
    private readonly mailer: Mailer,
    private readonly chat: ChatPoster,
    private readonly audience: AudienceBook,
    private readonly writeBack: WriteBackPlanner,
    metrics: Metrics,
  ) {
    this.delivered = metrics.counter('forewarn_mails_sent_total', 'Alert mails accepted by the mail server', ['kind']);
    this.failures = metrics.counter('forewarn_mail_failures_total', 'Failed delivery attempts', ['kind', 'outcome']);
    this.chatPosts = metrics.counter('forewarn_chat_posts_total', 'Alerts copied to chat channels', ['kind', 'outcome']);
    this.suppressed = metrics.counter('forewarn_mails_suppressed_total', 'Due mails not sent because they would be noise', ['kind', 'reason']);
    this.worker = new BackgroundWorker({ name: 'sender', intervalMs: config.SENDER_POLL_MS, pass: () => this.drain(), metrics });
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  /** New rows were queued: look again soon (they wait out the group wait anyway). */
  wake(): void {
    this.worker.wake(Math.min(this.config.SENDER_POLL_MS, this.config.NOTIFY_GROUP_WAIT_MS));
  }

  private async drain(): Promise<void> {
    while (!this.worker.isStopped) {
      const leaseEndsAt = Date.now() + LEASE_MS;
      const due = (await this.notifications.claimDue(CLAIM_BATCH, LEASE_MS)).map((n) => ({ ...n, leaseEndsAt }));
      if (due.length === 0) return;
      for (let i = 0; i < due.length; i += PARALLEL_SENDS) {
        await Promise.all(due.slice(i, i + PARALLEL_SENDS).map((n) => this.deliver(n)));
      }
      if (due.length < CLAIM_BATCH) return;
    }
  }

  /**
   * Delivers one notification in the trace of the alert it is for (a digest in a trace of its
   * own): the mail names the trace (`X-Forewarn-Trace-Id`), and the chat post goes out in it.
   */
  private deliver(notification: Leased): Promise<void> {
    // Past the lease another sender may have claimed the row: leave it to the next claim.
    if (Date.now() > notification.leaseEndsAt - PERSIST_MARGIN_MS) return Promise.resolve();
    const attributes = { 'forewarn.notification.id': notification.id, 'forewarn.alert.id': notification.alertId, 'forewarn.alert.kind': notification.kind, 'forewarn.attempt': notification.attempts };
    return inSpan('deliver notification', { attributes }, (span) => this.deliverInSpan(notification, span), contextOf(notification.traceparent));
  }

  private async deliverInSpan(notification: Leased, span: Span): Promise<void> {
    // Checked again when due: someone who stopped being one of ours since it was queued gets nothing, by mail or chat.
    const verdict = await this.audience.judge(notification.recipient.email);
    if (!verdict.kept) {
      this.suppressed.inc({ kind: notification.kind, reason: 'not internal' });
      await this.persist(() => this.notifications.markDropped(notification.id, verdict.reason), notification);
      return;
    }
    const now = new Date();
    const composed = await this.compose(notification, now);
    if ('suppressed' in composed) {
      this.suppressed.inc({ kind: notification.kind, reason: composed.suppressed });
      await this.persist(() => this.notifications.markSuppressed(notification.id, composed.suppressed), notification);
      return;
    }
    const { mail, chat } = composed;
    // The chat copy does not wait for the mail: while SMTP is down it goes out on the first attempt.
    const chatCopy = chat && this.chatCopyDue(notification) ? this.copyToChat(notification, chat) : Promise.resolve();
    const { recipient } = notification;
    const messageId = this.mailer.messageIdFor(notification.alertId, recipient.email);
    const traceId = traceIdOf(span);
    let response: string;
    try {
      ({ response } = await this.mailer.send({
        to: { name: recipient.name, address: recipient.email },
        ...mail,
        messageId,
        headers: { [MAIL_HEADER.alertId]: notification.alertId, [MAIL_HEADER.account]: notification.accountId, [MAIL_HEADER.kind]: notification.kind, ...(traceId ? { [MAIL_HEADER.traceId]: traceId } : {}) },
      }));
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      // The lease keeps the row from being claimed again until the retry is recorded, after the chat outcome.
      await chatCopy;
      await this.recordFailure(notification, error as Error & { responseCode?: number });
      return;
    }
    this.delivered.inc({ kind: notification.kind });
    this.logger.log({ msg: 'mail sent', alertId: notification.alertId, account: notification.accountId, kind: notification.kind, attempts: notification.attempts });
    // Before the row is marked sent: a crash in between sends the mail again, and the notes (unique) once.
    await this.persist(() => this.writeBack.mailSent(notification), notification);
    await Promise.all([
      chatCopy,
      this.persist(() => this.notifications.markSent(notification.id, { messageId, response, subject: mail.subject, resend: notification.resend }), notification),
    ]);
  }

  /** One chat copy per notification; a resend posts again only when the last copy did not get through. */
  private chatCopyDue(notification: Leased): boolean {
    return notification.chatOutcome === null || (notification.resend && !notification.chatOutcome.startsWith('sent'));
  }

  /** The same alert in the recipient's chat channel, if they set one; best effort, recorded in the ledger. */
  private async copyToChat(notification: Leased, summary: ChatSummary): Promise<void> {
    const prefs = await this.preferences.of(notification.recipient.email).catch(() => null);
    if (!prefs?.chat) return;
    const outcome = await this.chat.post(prefs.chat, summary);
    this.chatPosts.inc({ kind: prefs.chat.kind, outcome: outcome.startsWith('sent') ? 'sent' : 'failed' });
    await this.persist(() => this.notifications.recordChat(notification.id, outcome), notification);
  }

  /** Renders the mail, unless what the team said since (acknowledged, snoozed, already told) makes it noise. */
  private async compose(notification: DueNotification, now: Date): Promise<{ mail: RenderedMail; chat: ChatSummary | null } | { suppressed: string }> {
    const { alert, recipient } = notification;
    const { PUBLIC_URL: publicUrl } = this.config;
    if ('kind' in alert) return { mail: renderDigestMail(alert, publicUrl, now), chat: null };
    const facts = { kind: alert.data.kind, state: alert.data.state, meetingAt: alert.data.nextMeeting ? new Date(alert.data.nextMeeting.startsAt) : null };
    const memory = await this.memoryOf(notification.accountId, recipient.email);
    const suppressed = notification.resend ? null : suppressionFor(facts, memory, now, noisePolicyOf(this.config));
    if (suppressed) return { suppressed };
    const expires = new Date(now.getTime() + this.config.LINK_TTL_DAYS * 24 * 3_600_000);
    const who = { alertId: notification.alertId, accountId: notification.accountId, email: recipient.email };
    const link = (token: string) => `${publicUrl}/a/${token}`;
    const actions: MailActions = alert.data.kind === 'all-clear'
      ? { preferences: `${publicUrl}/preferences` }
      : {
          acknowledge: link(signLink({ action: 'ack', ...who }, expires, this.config.FOREWARN_SECRET)),
          snooze: [24, 72].map((hours) => ({ label: hours === 24 ? 'Snooze 24 h' : 'Snooze 3 days', url: link(signLink({ action: 'snooze', ...who, hours }, expires, this.config.FOREWARN_SECRET)) })),
          preferences: `${publicUrl}/preferences`,
        };
    const mail = renderAlertMail({ alert, recipient, publicUrl, now, actions });
    const accountUrl = `${publicUrl}/accounts/${encodeURIComponent(notification.accountId)}`;
    const chat: ChatSummary = {
      headline: mail.subject, why: mail.text.split('\n')[1] ?? '', state: alert.data.state, score: alert.data.score,
      open: { label: `Open ${alert.data.account.name}`, url: accountUrl }, acknowledgeUrl: actions.acknowledge,
    };
    return { mail, chat };
  }

  /** What this recipient was told about this account, and what the team said back. */
  private async memoryOf(accountId: string, recipient: string): Promise<DeliveryMemory> {
    return {
      lastSent: await this.notifications.lastSent(accountId, recipient),
      acknowledged: await this.acknowledgements.of(accountId),
      snoozed: await this.snoozes.of(accountId, recipient),
    };
  }

  private async recordFailure(notification: Leased, error: Error & { responseCode?: number }): Promise<void> {
    const decision = retryDelivery(notification.attempts, { responseCode: error.responseCode }, this.config.SMTP_RETRY_MAX_MS);
    if ('giveUp' in decision) {
      this.failures.inc({ kind: notification.kind, outcome: 'failed' });
      // Recipients' addresses only at debug level: the ledger says who, the log says what.
      this.logger.error({ msg: 'mail rejected for good', alertId: notification.alertId, notification: notification.id, error: error.message });
      this.logger.debug({ msg: 'mail rejected for good', notification: notification.id, recipient: notification.recipient.email });
      await this.persist(() => this.notifications.markFailed(notification.id, error.message), notification);
      return;
    }
    this.failures.inc({ kind: notification.kind, outcome: 'retrying' });
    this.logger.warn({ msg: 'mail not sent, will retry', alertId: notification.alertId, attempts: notification.attempts, retryInMs: decision.retryInMs, error: error.message });
    await this.persist(() => this.notifications.markRetry(notification.id, error.message, decision.retryInMs), notification);
  }

  /**
   * Records an outcome. While PostgreSQL is unreachable it keeps trying until shortly before the
   * row's lease runs out: after that another pass may claim the row and send it again (the stable
   * Message-ID lets mail clients fold such a duplicate), so giving up earlier only widens that window.
   */
  private async persist(write: () => Promise<void>, notification: Leased): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await write();
      } catch (error) {
        const waitMs = Math.min(5_000, 250 * 2 ** attempt);
        if (Date.now() + waitMs > notification.leaseEndsAt - PERSIST_MARGIN_MS) {
          this.logger.error({ msg: 'could not record delivery outcome before the lease ran out', id: notification.id, attempts: attempt, error: (error as Error).message });
          return;
        }
        await sleep(waitMs);
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }
}
