import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AccountHealthConfig } from '@forewarn/config';
import { KAFKA_HEADER, type Topics } from '@forewarn/contracts';
import { OutboxRepository, TxHost } from '@forewarn/database';
import { type OutgoingMessage, Publisher, TOPICS } from '@forewarn/messaging';
import { BackgroundWorker, Metrics } from '@forewarn/service-kit';
import { ACCOUNT_HEALTH_CONFIG } from '../account-health.config';

const BATCH = 500;

/**
 * Publishes the outbox to Kafka. Rows are taken under `FOR UPDATE SKIP LOCKED` and deleted in
 * the same transaction only after Kafka acknowledged them, so a crash re-publishes (consumers
 * are idempotent on message id) but never loses a message. Each message goes out in the trace of
 * what caused it (its `traceparent` header).
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly published;
  private readonly worker: BackgroundWorker;

  constructor(
    private readonly txHost: TxHost,
    private readonly outbox: OutboxRepository,
    private readonly publisher: Publisher,
    @Inject(TOPICS) private readonly topics: Topics,
    @Inject(ACCOUNT_HEALTH_CONFIG) config: AccountHealthConfig,
    metrics: Metrics,
  ) {
    this.published = metrics.counter('forewarn_outbox_published_total', 'Outbox messages published to Kafka', ['topic']);
    // Counted in PostgreSQL when Prometheus scrapes: a relay that stopped publishing shows as an outbox that ages.
    metrics.gauge('forewarn_outbox_backlog', 'Messages in the outbox waiting for the relay', [], async () => [{ value: (await outbox.backlog()).count }]);
    metrics.gauge('forewarn_outbox_oldest_seconds', 'How long the oldest outbox message has waited', [], async () => [{ value: (await outbox.backlog()).oldestSeconds }]);
    this.worker = new BackgroundWorker({
      name: 'outbox-relay', intervalMs: config.OUTBOX_POLL_MS, metrics,
      // A full page means more rows are waiting: the next pass runs at once.
      pass: async () => ((await this.publishOnce()) < BATCH ? 'idle' : 'more'),
    });
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  /** Publish now (called after a batch committed), instead of waiting for the next poll. */
  wake(): void {
    this.worker.wake();
  }

  /** Publishes the oldest page of the outbox and deletes it; returns how many messages it published. */
  async publishOnce(): Promise<number> {
    return this.txHost.withTransaction(async () => {
      const rows = await this.outbox.takeOldest(BATCH);
      if (rows.length === 0) return 0;
      const byTopic = new Map<string, OutgoingMessage[]>();
      for (const row of rows) {
        const topic = this.topics[row.topic];
        const message: OutgoingMessage = row.traceparent ? { key: row.key, value: row.value, headers: { [KAFKA_HEADER.traceparent]: row.traceparent } } : { key: row.key, value: row.value };
        const list = byTopic.get(topic);
        if (list) list.push(message);
        else byTopic.set(topic, [message]);
      }
      await this.publisher.publish([...byTopic].map(([topic, messages]) => ({ topic, messages })));
      await this.outbox.delete(rows.map((r) => r.id));
      for (const [topic, messages] of byTopic) this.published.inc({ topic }, messages.length);
      return rows.length;
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }
}
