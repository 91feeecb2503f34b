import { Injectable } from '@nestjs/common';
import { TxHost } from '../unit-of-work';

/** A message for Kafka, written in the same transaction as the projections it comes from. */
export interface OutboxMessage {
  topic: 'health' | 'alerts';
  key: string;
  value: unknown;
  /** The trace of what caused it (W3C `traceparent`), published as the message's header; null for none. */
  traceparent: string | null;
}

/** A stored outbox message; `value` is the JSON text published as it is. */
export interface OutboxRow {
  id: string;
  topic: OutboxMessage['topic'];
  key: string;
  value: string;
  traceparent: string | null;
}

/** The transactional outbox (`health.outbox`) of health changes and alert decisions. */
@Injectable()
export class OutboxRepository {
  constructor(private readonly txHost: TxHost) {}

  private get db() {
    return this.txHost.tx;
  }

  /**
   * Each message is stored as the text that goes to Kafka, so neither PostgreSQL nor the relay
   * parses it again. `json_to_recordset` reads the rows straight from the text; jsonb would build
   * a binary copy of every message first.
   */
  async enqueue(messages: OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.db.query(
      'INSERT INTO health.outbox (topic, key, value, traceparent) SELECT topic, key, value, traceparent FROM json_to_recordset($1::json) AS r(topic text, key text, value text, traceparent text)',
      [JSON.stringify(messages.map((m) => ({ topic: m.topic, key: m.key, value: JSON.stringify(m.value), traceparent: m.traceparent })))],
    );
  }

  /**
   * The oldest messages, locked until the end of the transaction; rows another relay holds are
   * skipped, so relays never publish the same row at the same time. Inside a transaction only.
   */
  async takeOldest(limit: number): Promise<OutboxRow[]> {
    return this.db.query('SELECT id, topic, key, value, traceparent FROM health.outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED', [limit]);
  }

  /** How many messages wait for the relay, and how long the oldest has waited (for /metrics). */
  async backlog(): Promise<{ count: number; oldestSeconds: number }> {
    const [row]: { count: number; oldest_seconds: number }[] = await this.db.query(
      `SELECT count(*)::int AS count, coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS oldest_seconds FROM health.outbox`,
    );
    return { count: row.count, oldestSeconds: row.oldest_seconds };
  }

  /** Removes messages Kafka acknowledged. */
  async delete(ids: string[]): Promise<void> {
    await this.db.query('DELETE FROM health.outbox WHERE id = ANY($1::bigint[])', [ids]);
  }
}
