import { Injectable } from '@nestjs/common';
import { TxHost } from '../unit-of-work';
import type { KeptDelivery, NewDelivery } from './delivery';
import { type DeliveryLogRow, entryOf, LOG_COLUMNS } from './delivery-log.read-model';

/**
 * The delivery log's table (`gateway.deliveries`), written by the gateway (and by `forewarn source
 * redeliver`): rows are recorded in batches, off the request path, and deleted past their retention.
 */
@Injectable()
export class DeliveriesRepository {
  constructor(private readonly txHost: TxHost) {}

  /** Records deliveries in one statement (one JSON document: PostgreSQL parses it in one pass); their ids, in order. */
  async record(deliveries: NewDelivery[]): Promise<string[]> {
    if (deliveries.length === 0) return [];
    const rows: { id: string }[] = await this.txHost.tx.query(
      `INSERT INTO gateway.deliveries (received_at, source, kind, outcome, status, event_ids, ignored, problem, media_type, headers, body, body_bytes, body_truncated, correlation_id, redelivery_of)
       SELECT received_at, source, kind, outcome, status, ARRAY(SELECT jsonb_array_elements_text(event_ids)), ignored, problem, media_type, headers, body, body_bytes, body_truncated, correlation_id, redelivery_of
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(doc, n)
       CROSS JOIN LATERAL jsonb_to_record(e.doc) AS r(received_at timestamptz, source text, kind text, outcome text, status smallint, event_ids jsonb, ignored jsonb, problem jsonb,
         media_type text, headers jsonb, body text, body_bytes integer, body_truncated boolean, correlation_id text, redelivery_of bigint)
       ORDER BY e.n
       RETURNING id::text AS id`,
      [JSON.stringify(deliveries.map((d) => ({
        received_at: d.receivedAt.toISOString(), source: d.source, kind: d.kind, outcome: d.outcome, status: d.status, event_ids: d.eventIds, ignored: d.ignored,
        problem: d.problem, media_type: d.mediaType, headers: d.headers, body: d.body, body_bytes: d.bodyBytes, body_truncated: d.bodyTruncated,
        correlation_id: d.correlationId, redelivery_of: d.redeliveryOf ?? null,
      })))],
    );
    return rows.map((r) => r.id);
  }

  /** A kept delivery of a source, with its headers, for a redelivery; null when there is none (or it is past its retention). */
  async find(source: string, id: string): Promise<KeptDelivery | null> {
    if (!/^\d{1,18}$/.test(id)) return null;
    const [row]: (DeliveryLogRow & { headers: Record<string, string> })[] = await this.txHost.tx.query(
      `SELECT ${LOG_COLUMNS}, headers FROM gateway.deliveries WHERE source = $1 AND id = $2::bigint`,
      [source, id],
    );
    return row ? { ...entryOf(row), headers: row.headers } : null;
  }

  /** Deletes at most `limit` deliveries received before `cutoff`, oldest first; how many it deleted. */
  async deleteOlderThan(cutoff: Date, limit: number): Promise<number> {
    // Through a CTE, so the answer is rows alone (an UPDATE or DELETE through TypeORM answers [rows, count]).
    const [{ n }]: { n: number }[] = await this.txHost.tx.query(
      `WITH gone AS (DELETE FROM gateway.deliveries WHERE id IN (SELECT id FROM gateway.deliveries WHERE received_at < $1 ORDER BY received_at LIMIT $2) RETURNING 1) SELECT count(*)::int AS n FROM gone`,
      [cutoff, limit],
    );
    return n;
  }
}
