import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AccountHealthConfig } from '@forewarn/config';
import type { Topics } from '@forewarn/contracts';
import { Publisher, TOPICS } from '@forewarn/messaging';
import { Metrics, BackgroundWorker } from '@forewarn/service-kit';
import { DataSource } from 'typeorm';
import { ACCOUNT_HEALTH_CONFIG } from '../account-health.config';

const BATCH = 500;

/**
 * Publishes the outbox to Kafka. Rows are taken under `FOR UPDATE SKIP LOCKED` and deleted in
 * the same transaction only after Kafka acknowledged them, so a crash re-publishes (consumers
 * are idempotent on message id) but never loses a message.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly published;
  private readonly worker: BackgroundWorker;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    private readonly publisher: Publisher,
    @Inject(TOPICS) private readonly topics: Topics,
    @Inject(ACCOUNT_HEALTH_CONFIG) private readonly config: AccountHealthConfig,
    metrics: Metrics,
  ) {
    this.published = metrics.counter('forewarn_outbox_published_total', 'Outbox messages published to Kafka', ['topic']);
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

  private async publishOnce(): Promise<number> {
    return this.db.transaction(async (tx) => {
      // `value` is the message's JSON text, published as it is.
      const rows: { id: string; topic: 'health' | 'alerts'; key: string; value: string }[] = await tx.query(
        'SELECT id, topic, key, value FROM health.outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED',
        [BATCH],
      );
      if (rows.length === 0) return 0;
      const byTopic = new Map<string, { key: string; value: string }[]>();
      for (const row of rows) {
        const topic = this.topics[row.topic];
        const message = { key: row.key, value: row.value };
        const list = byTopic.get(topic);
        if (list) list.push(message);
        else byTopic.set(topic, [message]);
      }
      await this.publisher.publish([...byTopic].map(([topic, messages]) => ({ topic, messages })));
      await tx.query('DELETE FROM health.outbox WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
      for (const [topic, messages] of byTopic) this.published.inc({ topic }, messages.length);
      return rows.length;
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }
}
