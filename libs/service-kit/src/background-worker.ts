import { Logger } from '@nestjs/common';
import type { Metrics } from './metrics';
import { outsideAnyTrace } from './telemetry';

/** What one pass of a worker reports: `more` runs the next pass at once (a backlog is left). */
export type PassResult = 'idle' | 'more' | void;

export interface BackgroundWorkerOptions {
  /** Names the worker in logs and metrics (`outbox-relay`, `sender`, `sweep`, `digest`, `calendar`). */
  name: string;
  /** Pause between passes when there is nothing left to do. */
  intervalMs: number;
  /** One pass: take what is due, do it, say whether more is waiting. */
  pass: () => Promise<PassResult>;
  /** Longest pause after failed passes; they back off exponentially from `intervalMs` up to this. */
  maxBackoffMs?: number;
  metrics?: Metrics;
}

/**
 * The one background loop of every Forewarn process: it runs passes one at a time, now and then
 * (`intervalMs`), at once when woken (`wake()`: new work was committed) — also right after a pass
 * that was running when woken, so a wake is never lost — again at once while a pass says `more`,
 * backs off after failures, and on shutdown takes no new pass and waits for the one in flight.
 */
export class BackgroundWorker {
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private wokenWhileRunning = false;
  private stopped = true;
  private failures = 0;
  /** When the next pass is due after this one: at once (`more`), the interval, or a backoff. */
  private nextDelay = 0;
  private readonly passes;
  private readonly seconds;

  constructor(private readonly options: BackgroundWorkerOptions) {
    this.logger = new Logger(`Worker:${options.name}`);
    this.passes = options.metrics?.counter('forewarn_worker_passes_total', 'Background worker passes, by worker and outcome (idle, more, failed)', ['worker', 'outcome']);
    this.seconds = options.metrics?.histogram('forewarn_worker_pass_seconds', 'Duration of background worker passes', ['worker'], [0.005, 0.025, 0.1, 0.5, 2, 10, 60]);
  }

  /** Starts the loop; the first pass runs after `delayMs`. */
  start(delayMs = 0): void {
    this.stopped = false;
    this.schedule(delayMs);
  }

  /** New work is waiting: run a pass soon (after `delayMs`), or right after the one running. */
  wake(delayMs = 0): void {
    if (this.stopped) return;
    if (this.running) {
      this.wokenWhileRunning = true;
      return;
    }
    this.schedule(delayMs);
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Takes no new pass and resolves once the one in flight has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Runs one pass now (tests, and callers that must know it ran); waits for one in flight first. */
  async runOnce(): Promise<PassResult> {
    while (this.running) await this.running;
    let result: PassResult = 'idle';
    this.running = (async () => {
      result = await this.options.pass();
    })().finally(() => (this.running = null));
    await this.running;
    return result;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    // A timer runs in the trace of whoever set it (the batch that woke the relay): a pass is in none.
    this.timer = outsideAnyTrace(() => setTimeout(() => {
      this.timer = null;
      if (this.running || this.stopped) return;
      this.running = this.onePass().finally(() => (this.running = null));
      void this.running.then(() => this.afterPass());
    }, delayMs));
  }

  private async onePass(): Promise<void> {
    this.wokenWhileRunning = false;
    const stopTimer = this.seconds?.startTimer({ worker: this.options.name });
    try {
      const result = (await this.options.pass()) ?? 'idle';
      this.failures = 0;
      this.passes?.inc({ worker: this.options.name, outcome: result });
      this.nextDelay = result === 'more' ? 0 : this.options.intervalMs;
    } catch (error) {
      this.failures += 1;
      this.passes?.inc({ worker: this.options.name, outcome: 'failed' });
      this.nextDelay = Math.min(this.options.maxBackoffMs ?? 30_000, this.options.intervalMs * 2 ** Math.min(this.failures, 10));
      this.logger.warn({ msg: `${this.options.name} pass failed, will retry`, error: (error as Error).message, failures: this.failures, retryInMs: this.nextDelay });
    } finally {
      stopTimer?.();
    }
  }

  private afterPass(): void {
    if (this.stopped) return;
    this.schedule(this.wokenWhileRunning && this.failures === 0 ? 0 : this.nextDelay);
  }
}
