import { Logger } from '@nestjs/common';
import { Client } from 'pg';

/** A delivery whose status changed in the notifier's ledger (`NOTIFY forewarn_delivery`, migration 1765180000001). */
export interface DeliveryStatusChange {
  id: string;
  alertId: string;
  accountId: string;
  status: string;
}

export const DELIVERY_OUTCOME_CHANNEL = 'forewarn_delivery';

const isStatusChange = (value: unknown): value is DeliveryStatusChange => {
  const v = value as Partial<DeliveryStatusChange> | null;
  return !!v && typeof v.id === 'string' && typeof v.alertId === 'string' && typeof v.accountId === 'string' && typeof v.status === 'string';
};

/**
 * Listens to the notifier's delivery outcomes on one connection of its own (LISTEN holds it), and
 * hands each to `onChange`. A lost connection is opened again after a short wait; outcomes sent
 * meanwhile are missed (readers poll as a fallback).
 */
export class DeliveryStatusListener {
  private readonly logger = new Logger(DeliveryStatusListener.name);
  private client: Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(private readonly url: string, private readonly onChange: (outcome: DeliveryStatusChange) => void, private readonly retryMs = 2_000) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.url, application_name: 'forewarn-dashboard-live' });
    client.on('notification', (message) => {
      if (message.channel !== DELIVERY_OUTCOME_CHANNEL || !message.payload) return;
      try {
        const outcome: unknown = JSON.parse(message.payload);
        if (isStatusChange(outcome)) this.onChange(outcome);
      } catch {
        // not ours: ignored
      }
    });
    client.on('error', () => this.reconnect(client));
    client.on('end', () => this.reconnect(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${DELIVERY_OUTCOME_CHANNEL}`);
      this.client = client;
    } catch (error) {
      this.logger.warn({ msg: 'cannot listen for delivery outcomes; trying again', error: (error as Error).message });
      this.reconnect(client);
    }
  }

  private reconnect(client: Client): void {
    if (this.stopped || this.retry || (this.client !== null && this.client !== client)) return;
    this.client = null;
    client.end().catch(() => undefined);
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, this.retryMs);
    this.retry.unref();
  }
}
