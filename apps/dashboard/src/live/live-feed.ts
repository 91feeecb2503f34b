import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DashboardConfig } from '@forewarn/config';
import { TOPIC, type Topics } from '@forewarn/contracts';
import { type DeliveryStatusChange, DeliveryStatusListener } from '@forewarn/database';
import { KAFKA, TOPICS } from '@forewarn/messaging';
import { Metrics } from '@forewarn/service-kit';
import type { Consumer, Kafka } from 'kafkajs';
import { AccountAccess } from '../auth/account-access';
import type { AccountAudience } from '../auth/visibility';
import { DASHBOARD_CONFIG } from '../common/dashboard.config';
import { TtlCache } from '../common/ttl-cache';
import { type LiveChange, LiveHub } from './live-hub';

/** Live connections one user may hold on one instance (a few tabs); more are answered 429. */
export const MAX_LIVE_CONNECTIONS_PER_USER = 5;
/** Recent changes kept for reconnecting clients (`Last-Event-ID`). */
const BUFFER_SIZE = 1_000;
const HEARTBEAT_MS = 20_000;
/** Who is on an account changes when the CRM says so: a short memory spares a query per change. */
const AUDIENCE_TTL_MS = 30_000;

type Audience = AccountAudience & { name: string };

/** The parts of a `health.v1` or `alerts.v1` message the feed reads (validated by their producers). */
interface TopicMessage {
  type?: string;
  id?: string;
  data?: Record<string, unknown>;
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/** A change whose account name may still have to be looked up. */
type UnnamedChange = LiveChange extends infer C ? (C extends LiveChange ? Omit<C, 'accountName'> & { accountName: string | null } : never) : never;

/** The change a topic message means for the pages, or null for what they do not show (snoozes, preferences, resend requests). */
export function changeOf(message: TopicMessage): UnnamedChange | null {
  const data = message.data ?? {};
  switch (message.type) {
    case 'forewarn.health.changed': {
      const accountId = str(data.accountId);
      const state = str(data.state);
      const score = num(data.score);
      if (!accountId || !state || score === null) return null;
      return { type: 'health', accountId, accountName: str(data.accountName), state, score, previousState: str(data.previousState), previousScore: num(data.previousScore) };
    }
    case 'forewarn.alert.raised': {
      const account = (data.account ?? {}) as Record<string, unknown>;
      const accountId = str(account.id);
      const kind = str(data.kind);
      if (!accountId || !message.id || !kind || kind === 'digest') return null;
      return { type: 'alert', accountId, accountName: str(account.name), alertId: message.id, kind, state: str(data.state) ?? 'healthy', score: num(data.score) ?? 100 };
    }
    case 'forewarn.alert.acknowledged': {
      const accountId = str(data.accountId);
      const alertId = str(data.alertId);
      const by = (data.by ?? {}) as Record<string, unknown>;
      if (!accountId || !alertId) return null;
      return { type: 'acknowledged', accountId, accountName: null, alertId, by: str(by.name) ?? str(by.email) ?? 'someone' };
    }
    default:
      return null;
  }
}

/**
 * Where live changes come from, without any client polling PostgreSQL: health changes, alerts and
 * acknowledgements from Kafka (`health.v1`, `alerts.v1`, which account-health and the dashboard
 * publish anyway), in a consumer group of this instance's own so every instance hears every change;
 * delivery outcomes from the notifier's `NOTIFY forewarn_delivery` (nothing else announces them).
 * Each change is looked up once (who is on its account, cached) and handed to the hub, which sends
 * it to the connections that may see it.
 */
@Injectable()
export class LiveFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LiveFeed.name);
  readonly hub: LiveHub;
  private readonly audiences = new TtlCache<string, Promise<Audience | null>>(AUDIENCE_TTL_MS, 10_000);
  private readonly consumer: Consumer;
  private readonly deliveries: DeliveryStatusListener;
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly changesSent;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(TOPICS) private readonly topics: Topics,
    @Inject(DASHBOARD_CONFIG) config: DashboardConfig,
    private readonly access: AccountAccess,
    metrics: Metrics,
  ) {
    const instance = randomUUID().slice(0, 8);
    this.hub = new LiveHub({ maxPerUser: MAX_LIVE_CONNECTIONS_PER_USER, bufferSize: BUFFER_SIZE, instance });
    const prefix = topics.health.slice(0, -TOPIC.health.length);
    // A group per instance: each dashboard must hear every change, not a share of the partitions.
    this.consumer = kafka.consumer({ groupId: `${prefix}dashboard-live.${hostname()}.${instance}`, maxWaitTimeInMs: 200, sessionTimeout: 30_000 });
    this.deliveries = new DeliveryStatusListener(config.DATABASE_URL, (outcome) => void this.delivery(outcome));
    this.changesSent = metrics.counter('forewarn_dashboard_live_changes_total', 'Live changes sent to dashboard readers, by type', ['type']);
    metrics.gauge('forewarn_dashboard_live_connections', 'Open live connections (server-sent events) on this instance', [], async () => [{ value: this.hub.size }]);
  }

  onApplicationBootstrap(): void {
    this.heartbeat = setInterval(() => this.hub.heartbeat(), HEARTBEAT_MS);
    this.heartbeat.unref();
    void this.deliveries.start();
    void this.startConsumer();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.hub.closeAll();
    await Promise.all([this.consumer.disconnect().catch(() => undefined), this.deliveries.stop()]);
  }

  /** Sends a change to whoever may see its account; the account's name from the view when the message has none. */
  async publish(change: UnnamedChange | null): Promise<void> {
    if (!change) return;
    const audience = await this.audienceOf(change.accountId);
    if (!audience) return;
    const sent = this.hub.publish({ ...change, accountName: change.accountName ?? audience.name } as LiveChange, audience);
    this.changesSent.inc({ type: change.type }, sent);
  }

  private async startConsumer(): Promise<void> {
    try {
      await this.consumer.connect();
      await this.consumer.subscribe({ topics: [this.topics.health, this.topics.alerts], fromBeginning: false });
      await this.consumer.run({
        autoCommit: false,
        eachMessage: async ({ message }) => {
          if (!message.value) return;
          try {
            await this.publish(changeOf(JSON.parse(message.value.toString()) as TopicMessage));
          } catch (error) {
            this.logger.warn({ msg: 'a live change could not be sent', error: (error as Error).message });
          }
        },
      });
    } catch (error) {
      // Pages still refresh by polling; the next start tries again.
      this.logger.warn({ msg: 'live changes from Kafka are off: the pages poll instead', error: (error as Error).message });
    }
  }

  private async delivery(outcome: DeliveryStatusChange): Promise<void> {
    try {
      await this.publish({ type: 'delivery', accountId: outcome.accountId, accountName: null, alertId: outcome.alertId, notificationId: outcome.id, status: outcome.status });
    } catch (error) {
      this.logger.warn({ msg: 'a live delivery outcome could not be sent', error: (error as Error).message });
    }
  }

  private audienceOf(accountId: string): Promise<Audience | null> {
    const hit = this.audiences.get(accountId);
    if (hit) return hit;
    const found = this.access.audience(accountId);
    this.audiences.set(accountId, found);
    found.catch(() => this.audiences.delete(accountId));
    return found;
  }
}
