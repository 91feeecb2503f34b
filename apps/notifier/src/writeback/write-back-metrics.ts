import { Injectable } from '@nestjs/common';
import { WriteBacksRepository } from '@forewarn/database';
import { Metrics } from '@forewarn/service-kit';

/** What became of notes, by vendor: queued, dry_run, written, found (on the case after an interrupted attempt), retrying, rate_limited, deferred, failed. */
export type WriteBackOutcome = 'queued' | 'dry_run' | 'written' | 'found' | 'retrying' | 'rate_limited' | 'deferred' | 'failed';

/** Write-back on /metrics: notes by vendor and outcome, and the queue counted in the ledger when Prometheus scrapes. */
@Injectable()
export class WriteBackMetrics {
  private readonly notes;

  constructor(metrics: Metrics, ledger: WriteBacksRepository) {
    this.notes = metrics.counter('forewarn_write_backs_total', 'Notes on support cases, by vendor and outcome (queued, dry_run, written, found, retrying, rate_limited, deferred, failed)', ['vendor', 'outcome']);
    // Both statuses always, 0 when nothing waits, so an alert rule sees the series.
    const queue = async () => {
      const rows = await ledger.queue();
      return (['pending', 'retrying'] as const).map((status) => rows.find((r) => r.status === status) ?? { status, count: 0, oldestDueSeconds: 0 });
    };
    metrics.gauge('forewarn_write_backs_waiting', 'Notes on support cases still to write, by status (pending: not tried yet; retrying: the helpdesk did not take it yet)', ['status'],
      async () => (await queue()).map((q) => ({ labels: { status: q.status }, value: q.count })));
    metrics.gauge('forewarn_write_backs_oldest_due_seconds', 'How long the longest-waiting due note has been due, by status', ['status'],
      async () => (await queue()).map((q) => ({ labels: { status: q.status }, value: q.oldestDueSeconds })));
  }

  count(vendor: string, outcome: WriteBackOutcome, n = 1): void {
    if (n > 0) this.notes.inc({ vendor, outcome }, n);
  }
}
