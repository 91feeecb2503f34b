import { Inject, Injectable } from '@nestjs/common';
import type { DashboardConfig } from '@forewarn/config';
import type { SinkMessage } from '@forewarn/devstack';
import { DASHBOARD_CONFIG, devMailAvailable } from '../common/dashboard.config';

/** A mail the development sink caught (libs/devstack mail-sink, `GET /messages[/:id]`). */
export type CaughtMail = SinkMessage;

export class MailSinkUnavailable extends Error {}

/** Reads the development mail sink's HTTP API; only in development, only when DEV_MAIL_URL is set. */
@Injectable()
export class DevMailClient {
  constructor(@Inject(DASHBOARD_CONFIG) private readonly config: DashboardConfig) {}

  get available(): boolean {
    return devMailAvailable(this.config);
  }

  async list(): Promise<CaughtMail[]> {
    return (await this.get('/messages')) as CaughtMail[];
  }

  async one(id: string): Promise<CaughtMail | null> {
    return (await this.get(`/messages/${encodeURIComponent(id)}`, true)) as CaughtMail | null;
  }

  private async get(path: string, allowMissing = false): Promise<unknown> {
    const base = (this.config.DEV_MAIL_URL ?? '').replace(/\/+$/, '');
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(3000) });
    } catch (error) {
      throw new MailSinkUnavailable(`the mail sink at ${base} does not answer (${(error as Error).message})`);
    }
    if (allowMissing && response.status === 404) return null;
    if (!response.ok) throw new MailSinkUnavailable(`the mail sink at ${base} answered ${response.status}`);
    return response.json();
  }
}
