import { createHash } from 'node:crypto';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { NotifierConfig } from '@forewarn/config';
import { createTransport, type Transporter } from 'nodemailer';
import { Metrics } from '@forewarn/service-kit';
import { NOTIFIER_CONFIG } from '../notifier.config';

export interface OutgoingMail {
  to: { name: string | null; address: string };
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  /** Stable per alert and recipient, so a mail client folds a rare duplicate after a crash. */
  messageId: string;
}

/** The one place that talks SMTP (nodemailer), so the rest of the notifier never sees a socket. */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private readonly transport: Transporter;
  private readonly domain: string;
  private lastCheck: { at: number; up: boolean } = { at: 0, up: false };
  private readonly sendSeconds;

  constructor(@Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig, metrics: Metrics) {
    this.sendSeconds = metrics.histogram('forewarn_mail_send_seconds', 'How long the mail server took to take a mail (or to refuse it), by outcome', ['outcome'], [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]);
    this.transport = createTransport({
      url: config.SMTP_URL,
      pool: true,
      maxConnections: 2,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    this.domain = new URL(config.PUBLIC_URL).hostname || 'forewarn.local';
  }

  messageIdFor(alertId: string, recipient: string): string {
    return `<${alertId}.${createHash('sha256').update(recipient).digest('hex').slice(0, 16)}@${this.domain}>`;
  }

  async send(mail: OutgoingMail): Promise<{ response: string }> {
    const stop = this.sendSeconds.startTimer();
    try {
      const info = await this.transport.sendMail({
        from: this.config.MAIL_FROM,
        to: mail.to.name ? { name: mail.to.name, address: mail.to.address } : mail.to.address,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: mail.headers,
        messageId: mail.messageId,
      });
      stop({ outcome: 'sent' });
      return { response: String(info.response ?? '') };
    } catch (error) {
      stop({ outcome: 'failed' });
      throw error;
    }
  }

  /** Whether the mail server answers; cached briefly so `/readyz` does not open a connection per probe. */
  async reachable(): Promise<boolean> {
    if (Date.now() - this.lastCheck.at < 5_000) return this.lastCheck.up;
    const up = await this.transport.verify().then(() => true, () => false);
    this.lastCheck = { at: Date.now(), up };
    return up;
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
