import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AccountHealthConfig } from '@forewarn/config';
import type { Topics } from '@forewarn/contracts';
import { Publisher, TOPICS } from '@forewarn/messaging';
import { Metrics } from '@forewarn/service-kit';
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
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly published;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    private readonly publisher: Publisher,
    @Inject(TOPICS) private readonly topics: Topics,
    @Inject(ACCOUNT_HEALTH_CONFIG) private readonly config: AccountHealthConfig,
    metrics: Metrics,
  ) {
    this.published = metrics.counter('forewarn_outbox_published_total', 'Outbox messages published to Kafka', ['topic']);
  }

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  /** Publish soon (called after a batch committed), instead of waiting for the next poll. */
  wake(): void {
    if (!this.running) this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.drain()
        .catch((error) => this.logger.warn({ msg: 'outbox relay failed, will retry', error: (error as Error).message }))
        .finally(() => {
          this.running = null;
          this.schedule(this.config.OUTBOX_POLL_MS);
        });
    }, delayMs);
  }

  private async drain(): Promise<void> {
    for (;;) {
      const count = await this.publishOnce();
      if (count < BATCH || this.stopped) return;
    }
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
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
