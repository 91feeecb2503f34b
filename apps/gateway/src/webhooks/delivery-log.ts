import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { GatewayConfig } from '@forewarn/config';
import { DeliveriesRepository, type DeliveryOutcome, type DeliveryProblem, type NewDelivery, withSessionLock } from '@forewarn/database';
import { keptBody, keptHeaders } from '@forewarn/ingest';
import { BackgroundWorker, Metrics, type PassResult } from '@forewarn/service-kit';
import { DataSource } from 'typeorm';
import { GATEWAY_CONFIG } from '../gateway.config';

/** A delivery as the pipeline or the rejections filter saw it, before its body is stripped and capped. */
export interface DeliveryRecord {
  receivedAt: Date;
  source: string;
  kind: string;
  outcome: DeliveryOutcome;
  status: number;
  eventIds: string[];
  ignored: { reason: string }[];
  problem: DeliveryProblem | null;
  /** The exact bytes received; null when they were never read (a body over the limit). */
  rawBody: Buffer | null;
  mediaType: string | undefined;
  headers: Record<string, string>;
  correlationId: string | null;
}

/** Deliveries written per statement. */
const PER_WRITE = 200;
/** What may wait in memory for PostgreSQL: beyond either bound a delivery is not logged (and counted). */
const MAX_PENDING = 5_000;
const MAX_PENDING_BYTES = 64 * 1024 * 1024;
/** Deliveries deleted per statement, and statements per cleanup pass. */
const DELETE_CHUNK = 5_000;
const CHUNKS_PER_PASS = 20;

/**
 * Each source's delivery log (`gateway.deliveries`): every webhook delivery that got past
 * authentication — accepted, ignored, or refused for its content — with its outcome, events,
 * reasons and body (secrets stripped, size-capped: `keptBody`). Off the request path: `record`
 * only queues (the answer never waits for it); a BackgroundWorker strips, caps and writes the
 * queue in batches, so a delivery costs the gateway one array push. What is queued when the
 * process dies is not logged (a log, not the ledger: Kafka has the events); what cannot be queued
 * (PostgreSQL down for long) is counted in `forewarn_gateway_delivery_log_dropped_total`.
 *
 * A second worker deletes deliveries past GATEWAY_DELIVERY_LOG_RETENTION_DAYS, one gateway
 * instance at a time (advisory lock `deliveryLog`).
 */
@Injectable()
export class DeliveryLog implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryLog.name);
  private pending: DeliveryRecord[] = [];
  private pendingBytes = 0;
  private readonly writer: BackgroundWorker;
  private readonly cleaner: BackgroundWorker;
  private readonly recorded;
  private readonly dropped;
  private readonly maxBodyBytes: number;
  private readonly retentionMs: number;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    private readonly deliveries: DeliveriesRepository,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    metrics: Metrics,
  ) {
    this.maxBodyBytes = config.GATEWAY_DELIVERY_LOG_MAX_BODY_BYTES;
    this.retentionMs = config.GATEWAY_DELIVERY_LOG_RETENTION_DAYS * 86_400_000;
    this.recorded = metrics.counter('forewarn_gateway_delivery_log_recorded_total', 'Webhook deliveries written to the delivery log', []);
    this.dropped = metrics.counter('forewarn_gateway_delivery_log_dropped_total', 'Webhook deliveries not logged because too many waited for PostgreSQL', []);
    this.writer = new BackgroundWorker({ name: 'delivery-log', intervalMs: 1_000, maxBackoffMs: 10_000, metrics, pass: () => this.write() });
    this.cleaner = new BackgroundWorker({ name: 'delivery-log-cleanup', intervalMs: config.GATEWAY_DELIVERY_LOG_CLEANUP_MS, metrics, pass: () => this.cleanup() });
  }

  onApplicationBootstrap(): void {
    this.writer.start(1_000);
    this.cleaner.start(5_000);
  }

  /** Writes what is queued before the database closes; waits at most a few seconds. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.cleaner.stop();
    await this.writer.stop();
    const until = Date.now() + 5_000;
    while (this.pending.length > 0 && Date.now() < until) {
      if ((await this.writer.runOnce().catch(() => 'failed')) === 'failed') break;
    }
  }

  /** Queues a delivery for the log; never throws and never waits. */
  record(delivery: DeliveryRecord): void {
    const size = delivery.rawBody?.length ?? 0;
    if (this.pending.length >= MAX_PENDING || this.pendingBytes + size > MAX_PENDING_BYTES) {
      this.dropped.inc();
      return;
    }
    this.pending.push(delivery);
    this.pendingBytes += size;
    // Woken once per batch: a wake per delivery would keep postponing the pass under load.
    if (this.pending.length === 1) this.writer.wake(100);
  }

  /** Writes everything queued so far, one pass at a time as the worker does (tests, shutdown). */
  async flushed(): Promise<void> {
    while (this.pending.length > 0) await this.writer.runOnce();
  }

  /** One batch: strips and caps the bodies, writes them in one statement; `more` while some wait. */
  async write(): Promise<PassResult> {
    if (this.pending.length === 0) return 'idle';
    const batch = this.pending.splice(0, PER_WRITE);
    const bytes = batch.reduce((sum, d) => sum + (d.rawBody?.length ?? 0), 0);
    this.pendingBytes -= bytes;
    try {
      await this.deliveries.record(batch.map((d) => this.toRow(d)));
    } catch (error) {
      // Back in front, in order, unless that would overflow the queue; the worker backs off and tries again.
      if (this.pending.length + batch.length <= MAX_PENDING && this.pendingBytes + bytes <= MAX_PENDING_BYTES) {
        this.pending.unshift(...batch);
        this.pendingBytes += bytes;
      } else this.dropped.inc(batch.length);
      throw error;
    }
    this.recorded.inc(batch.length);
    return this.pending.length > 0 ? 'more' : 'idle';
  }

  private toRow(d: DeliveryRecord): NewDelivery {
    const body = keptBody(d.rawBody, d.mediaType, this.maxBodyBytes);
    return {
      receivedAt: d.receivedAt, source: d.source, kind: d.kind, outcome: d.outcome, status: d.status, eventIds: d.eventIds, ignored: d.ignored, problem: d.problem,
      mediaType: d.mediaType ?? null, headers: keptHeaders(d.headers), body: body.body, bodyBytes: body.bytes, bodyTruncated: body.truncated, correlationId: d.correlationId,
    };
  }

  /** Deletes deliveries past their retention under the advisory lock; `more` when a pass left some. Null: another gateway is at it. */
  async cleanup(now = new Date()): Promise<PassResult> {
    const cutoff = new Date(now.getTime() - this.retentionMs);
    const outcome = await withSessionLock(this.db, 'deliveryLog', async () => {
      let deleted = 0;
      for (let i = 0; i < CHUNKS_PER_PASS; i++) {
        const n = await this.deliveries.deleteOlderThan(cutoff, DELETE_CHUNK);
        deleted += n;
        if (n < DELETE_CHUNK) return { deleted, more: false };
      }
      return { deleted, more: true };
    });
    if (outcome && outcome.deleted > 0) this.logger.log({ msg: 'delivery log: deleted deliveries past their retention', deleted: outcome.deleted, before: cutoff.toISOString() });
    return outcome?.more ? 'more' : 'idle';
  }
}
