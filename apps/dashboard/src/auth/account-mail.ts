import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { DashboardConfig } from '@forewarn/config';
import { createTransport, type Transporter } from 'nodemailer';
import { DASHBOARD_CONFIG } from '../common/dashboard.config';
import { escapeHtml } from '../web/html';

/** A mail about someone's own account: a sign-in link or an invitation. */
export interface AccountMail {
  to: string;
  subject: string;
  /** The first lines, as plain sentences. */
  lines: string[];
  button: { label: string; url: string };
  /** What to do if it was not them, or when the link has expired. */
  footer: string;
  kind: 'sign-in' | 'invite';
}

/** The mail as text and as one-column HTML (inline CSS, a clear button), saying the same. */
export function renderAccountMail(mail: AccountMail): { text: string; html: string } {
  const text = [...mail.lines, '', `${mail.button.label}: ${mail.button.url}`, '', mail.footer].join('\n');
  const html = `<!doctype html><html><body style="margin:0;padding:24px;background:#f4f5f7;font-family:system-ui,-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#1b1f24">
<div style="max-width:520px;margin:0 auto;background:#fff;border:1px solid #d9dde2;border-radius:8px;padding:20px">
<p style="font-weight:700;font-size:18px;margin:0 0 12px">Fore<span style="color:#b3261e">warn</span></p>
${mail.lines.map((line) => `<p style="font-size:16px;line-height:1.45;margin:0 0 10px">${escapeHtml(line)}</p>`).join('')}
<p style="margin:18px 0"><a href="${escapeHtml(mail.button.url)}" style="display:inline-block;background:#1b1f24;color:#fff;text-decoration:none;padding:12px 18px;border-radius:6px;font-weight:600">${escapeHtml(mail.button.label)}</a></p>
<p style="font-size:13px;color:#51585f;margin:0">${escapeHtml(mail.footer)}</p>
</div></body></html>`;
  return { text, html };
}

/**
 * The dashboard's own mail: sign-in links and invitations, over the same SMTP relay as the notifier
 * (`SMTP_URL`, `MAIL_FROM`). Not through the notifier: these are not alerts (no grouping, quiet
 * hours or ledger apply), they must go now while the person waits, and each carries a credential
 * that has no business on a Kafka topic kept for a week.
 */
@Injectable()
export class AccountMailer implements OnApplicationShutdown {
  private readonly logger = new Logger(AccountMailer.name);
  private readonly transport: Transporter;

  constructor(@Inject(DASHBOARD_CONFIG) private readonly config: DashboardConfig) {
    this.transport = createTransport({ url: config.SMTP_URL, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  }

  /** Sends the mail; false (and a log line without the link) when the relay would not take it. */
  async send(mail: AccountMail): Promise<boolean> {
    const { text, html } = renderAccountMail(mail);
    try {
      await this.transport.sendMail({ from: this.config.MAIL_FROM, to: mail.to, subject: mail.subject, text, html, headers: { 'X-Forewarn-Kind': mail.kind } });
      return true;
    } catch (error) {
      this.logger.warn({ msg: 'account mail not sent', kind: mail.kind, error: (error as Error).message });
      return false;
    }
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
