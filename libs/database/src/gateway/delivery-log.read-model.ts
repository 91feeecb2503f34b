import { Injectable } from '@nestjs/common';
import { TxHost } from '../unit-of-work';
import type { DeliveryLogEntry, DeliveryOutcome, DeliveryProblem } from './delivery';

/** The columns of the view `gateway.delivery_log` an entry is made of. */
export const LOG_COLUMNS = `id::text AS id, received_at, source, kind, outcome, status, event_ids, ignored, problem, media_type, body, body_bytes, body_truncated, correlation_id, redelivery_of::text AS redelivery_of`;

export interface DeliveryLogRow {
  id: string; received_at: Date; source: string; kind: string; outcome: DeliveryOutcome; status: number; event_ids: string[]; ignored: { reason: string }[];
  problem: DeliveryProblem | null; media_type: string | null; body: string | null; body_bytes: number; body_truncated: boolean; correlation_id: string | null; redelivery_of: string | null;
}

export const entryOf = (row: DeliveryLogRow): DeliveryLogEntry => ({
  id: row.id, at: row.received_at.toISOString(), source: row.source, kind: row.kind, outcome: row.outcome, status: row.status, events: row.event_ids,
  ignored: row.ignored, problem: row.problem, mediaType: row.media_type, bytes: row.body_bytes, truncated: row.body_truncated, body: row.body,
  correlationId: row.correlation_id, redeliveryOf: row.redelivery_of,
});

export interface DeliveryLogQuery {
  /** At most this many, newest first (1–1000). */
  limit: number;
  outcome?: DeliveryOutcome;
  /** Only deliveries older than this id (the next page). */
  before?: string;
  /** Leave the bodies out (a list of many). */
  withoutBodies?: boolean;
}

/**
 * A source's delivery log as its readers see it — `forewarn source log`, and the dashboard's
 * delivery-log page (`GET /api/sources/:name/deliveries`, admins) — through the gateway's view
 * `gateway.delivery_log`, never its table.
 */
@Injectable()
export class DeliveryLogReadModel {
  constructor(private readonly txHost: TxHost) {}

  /** The last deliveries of a source, newest first. */
  async list(source: string, query: DeliveryLogQuery): Promise<DeliveryLogEntry[]> {
    const rows: DeliveryLogRow[] = await this.txHost.tx.query(
      `SELECT ${query.withoutBodies ? LOG_COLUMNS.replace('body,', 'NULL::text AS body,') : LOG_COLUMNS} FROM gateway.delivery_log
       WHERE source = $1 AND ($2::text IS NULL OR outcome = $2) AND ($3::bigint IS NULL OR id < $3::bigint)
       ORDER BY delivery_log.id DESC LIMIT $4`,
      [source, query.outcome ?? null, query.before ?? null, Math.max(1, Math.min(1000, query.limit))],
    );
    return rows.map(entryOf);
  }

  /** One delivery of a source; null when there is none (or it is past its retention). */
  async get(source: string, id: string): Promise<DeliveryLogEntry | null> {
    if (!/^\d{1,18}$/.test(id)) return null;
    const [row]: DeliveryLogRow[] = await this.txHost.tx.query(`SELECT ${LOG_COLUMNS} FROM gateway.delivery_log WHERE source = $1 AND id = $2::bigint`, [source, id]);
    return row ? entryOf(row) : null;
  }
}
