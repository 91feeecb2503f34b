import { Injectable } from '@nestjs/common';
import { TxHost } from '@forewarn/database';

/** What a source's webhook deliveries of the last day say: when the last came, how many, how many refused. */
export interface SourceTraffic {
  lastAt: string | null;
  dayTotal: number;
  dayRejected: number;
}

/** The sources page's summary of each delivery log, over the gateway's view `gateway.delivery_log`. */
@Injectable()
export class SourcesTrafficReadModel {
  constructor(private readonly txHost: TxHost) {}

  async bySource(): Promise<Map<string, SourceTraffic>> {
    const rows: { source: string; last_at: Date | null; day_total: number; day_rejected: number }[] = await this.txHost.tx.query(
      `SELECT source, max(received_at) AS last_at,
              count(*) FILTER (WHERE received_at > now() - interval '24 hours')::int AS day_total,
              count(*) FILTER (WHERE received_at > now() - interval '24 hours' AND outcome = 'rejected')::int AS day_rejected
       FROM gateway.delivery_log GROUP BY source`,
    );
    return new Map(rows.map((r) => [r.source, { lastAt: r.last_at ? r.last_at.toISOString() : null, dayTotal: r.day_total, dayRejected: r.day_rejected }]));
  }
}
