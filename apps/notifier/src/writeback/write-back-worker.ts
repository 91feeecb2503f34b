import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NotifierConfig } from '@forewarn/config';
import { type DueWriteBack, WriteBacksRepository, WriteBackTargetsReadModel } from '@forewarn/database';
import { BackgroundWorker, inSpan, Metrics, type PassResult } from '@forewarn/service-kit';
import {
  type AttemptOutcome, CircuitBreakers, isWriteBackVendor, noteMarker, outcomeOfFailure, type RetryPolicy, type SealingKey, sealingKey, sourceTokenContext, unseal, WRITE_BACK_ADAPTERS,
  withReference,
} from '@forewarn/write-back';
import { NOTIFIER_CONFIG } from '../notifier.config';
import { LeaseRunningOut, VendorClient } from './vendor-client';
import { WriteBackMetrics } from './write-back-metrics';

const CLAIM_BATCH = 20;
const PARALLEL_WRITES = 2;
/** A note is looked at this soon after it was queued (the queuing transaction has committed by then, or the next poll finds it). */
const WAKE_DELAY_MS = 250;

const timeOf = (at: Date): string => at.toISOString().slice(11, 19);

/**
 * Writes the notes of the write-back ledger to the helpdesks. Due notes are claimed under a lease
 * (`FOR UPDATE SKIP LOCKED`), so several notifier instances share the work; each note is written
 * through its vendor's adapter with the source's credentials, opened only for the call. A note
 * whose earlier attempt's end was not seen (a crash, a timeout) is looked for on the case first,
 * so it is written once. `429` waits as the vendor says, `5xx` and timeouts back off, and a
 * circuit breaker per endpoint leaves a helpdesk that is down alone; refusals are final and
 * shown with the vendor's status. Nothing here runs inside intake or delivery: they only queue.
 */
@Injectable()
export class WriteBackWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WriteBackWorker.name);
  private readonly worker: BackgroundWorker;
  private readonly breakers: CircuitBreakers;
  private readonly keys: SealingKey[];
  private readonly leaseMs: number;
  private readonly retry: RetryPolicy;

  constructor(
    private readonly ledger: WriteBacksRepository,
    private readonly targets: WriteBackTargetsReadModel,
    private readonly vendors: VendorClient,
    private readonly counts: WriteBackMetrics,
    @Inject(NOTIFIER_CONFIG) config: NotifierConfig,
    metrics: Metrics,
  ) {
    this.keys = [sealingKey(config.FOREWARN_SECRET), ...(config.FOREWARN_SECRET_PREVIOUS ? [sealingKey(config.FOREWARN_SECRET_PREVIOUS)] : [])];
    // A note takes a few calls (a lookup, a tag, the note), each within the time limit.
    this.leaseMs = 6 * config.WRITE_BACK_TIMEOUT_MS;
    this.retry = { firstBackoffMs: config.WRITE_BACK_RETRY_FIRST_MS, maxBackoffMs: config.WRITE_BACK_RETRY_MAX_MS, giveUpAfterMs: config.WRITE_BACK_GIVE_UP_HOURS * 3_600_000 };
    this.breakers = new CircuitBreakers({ failuresToOpen: config.WRITE_BACK_BREAKER_FAILURES, coolDownMs: config.WRITE_BACK_BREAKER_COOLDOWN_MS });
    this.worker = new BackgroundWorker({ name: 'write-back', intervalMs: config.WRITE_BACK_POLL_MS, pass: () => this.drain(), metrics });
    metrics.gauge('forewarn_write_back_circuit_open', 'Whether Forewarn leaves a helpdesk endpoint alone after failures in a row (1: open or half-open), by endpoint', ['endpoint'],
      async () => this.breakers.all(Date.now()).map(({ endpoint, state }) => ({ labels: { endpoint }, value: state === 'closed' ? 0 : 1 })));
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }

  /** Notes were queued: look soon. */
  wake(): void {
    this.worker.wake(WAKE_DELAY_MS);
  }

  /** One pass now, for tests. */
  runOnce(): Promise<PassResult> {
    return this.worker.runOnce();
  }

  private async drain(): Promise<PassResult> {
    const leaseEndsAt = Date.now() + this.leaseMs;
    const due = await this.ledger.claimDue(CLAIM_BATCH, this.leaseMs);
    for (let i = 0; i < due.length; i += PARALLEL_WRITES) {
      await Promise.all(due.slice(i, i + PARALLEL_WRITES).map((note) => inSpan('write back note', { attributes: { 'forewarn.write_back.id': note.id, 'forewarn.write_back.vendor': note.vendor } }, () => this.write(note, leaseEndsAt))));
    }
    return due.length === CLAIM_BATCH ? 'more' : 'idle';
  }

  private async write(note: DueWriteBack, leaseEndsAt: number): Promise<void> {
    const endpoint = await this.targets.endpointOf(note.source);
    if (!endpoint || endpoint.mode !== 'on' || !isWriteBackVendor(endpoint.vendor)) {
      return this.fail(note, `write-back of ${note.source} is ${endpoint?.mode ?? 'off'} now`, null);
    }
    if (!endpoint.apiUrl || !endpoint.sealedToken) return this.fail(note, `${note.source} has no API URL or token for write-back`, null);
    let token: string;
    try {
      token = unseal(endpoint.sealedToken, this.keys, sourceTokenContext(note.source));
    } catch (error) {
      return this.fail(note, `the API token of ${note.source} cannot be opened (${(error as Error).message}): set it again with forewarn source set ${note.source} --api-token-stdin`, null);
    }
    const adapter = WRITE_BACK_ADAPTERS[endpoint.vendor];
    const credentials = { apiUrl: endpoint.apiUrl, apiUser: endpoint.apiUser, token };
    const waitUntil = this.breakers.admit(endpoint.apiUrl, Date.now());
    if (waitUntil) {
      this.counts.count(note.vendor, 'deferred');
      const why = this.breakers.state(endpoint.apiUrl, Date.now()) === 'closed' ? `${adapter.name} asked to wait (429)` : `${adapter.name} at ${endpoint.apiUrl} failed too often in a row`;
      await this.record(note, () => this.ledger.defer(note.id, waitUntil, note.wasInDoubt, `waiting until ${timeOf(waitUntil)} UTC: ${why}`));
      return;
    }
    const api = this.vendors.api(adapter, credentials, leaseEndsAt - 1_000);
    let outcome: AttemptOutcome;
    try {
      const ref = adapter.caseRef(note.caseId);
      const marker = noteMarker(note.ref);
      if (note.wasInDoubt && (await adapter.hasNote(api, ref, marker))) {
        outcome = { outcome: 'written', found: true };
      } else {
        if (note.tag) await adapter.addTag(api, ref, note.tag, credentials);
        await adapter.addNote(api, ref, withReference(note.note, note.ref), credentials);
        outcome = { outcome: 'written', found: false };
      }
    } catch (error) {
      if (error instanceof LeaseRunningOut) {
        // Left as claimed and in doubt: the next claim, after the lease, looks for the note first.
        this.logger.warn({ msg: 'write-back left for the next attempt: its lease runs out', id: note.id, vendor: note.vendor });
        this.breakers.released(endpoint.apiUrl);
        return;
      }
      outcome = outcomeOfFailure(error, { vendorName: adapter.name, attempts: note.attempts, createdAt: note.createdAt, now: new Date(), policy: this.retry });
    }
    this.judgeEndpoint(endpoint.apiUrl, outcome, adapter.name);
    await this.recordOutcome(note, outcome);
  }

  /** What the outcome says about the endpoint: it answered, asked to wait (429), or is failing (5xx, no answer). */
  private judgeEndpoint(url: string, outcome: AttemptOutcome, vendorName: string): void {
    const health = outcome.outcome === 'written' ? 'up' : outcome.endpoint;
    if (health === 'unknown') this.breakers.released(url);
    else if (health === 'up') this.breakers.succeeded(url);
    else if (health === 'busy' && outcome.outcome === 'retry') this.breakers.pause(url, outcome.at.getTime());
    else if (health === 'down' && this.breakers.failed(url, Date.now())) {
      this.logger.warn({ msg: 'helpdesk endpoint failing: write-back leaves it alone for a while', vendor: vendorName, endpoint: url, error: outcome.outcome === 'written' ? null : outcome.error });
    }
  }

  private async recordOutcome(note: DueWriteBack, outcome: AttemptOutcome): Promise<void> {
    switch (outcome.outcome) {
      case 'written':
        this.counts.count(note.vendor, outcome.found ? 'found' : 'written');
        this.logger.log({ msg: outcome.found ? 'note found on the case after an interrupted attempt' : 'note written on the support case', id: note.id, vendor: note.vendor, source: note.source, case: note.caseId, reason: note.reason });
        return this.record(note, () => this.ledger.markWritten(note.id, outcome.found));
      case 'retry':
        this.counts.count(note.vendor, outcome.endpoint === 'busy' ? 'rate_limited' : 'retrying');
        this.logger.warn({ msg: 'note not written yet, will retry', id: note.id, vendor: note.vendor, case: note.caseId, attempts: note.attempts, error: outcome.error, retryAt: outcome.at.toISOString() });
        return this.record(note, () => this.ledger.markRetry(note.id, outcome.at, outcome.error, outcome.status, outcome.inDoubt));
      case 'failed':
        return this.fail(note, outcome.error, outcome.status);
    }
  }

  private async fail(note: DueWriteBack, error: string, status: number | null): Promise<void> {
    this.counts.count(note.vendor, 'failed');
    this.logger.error({ msg: 'could not tell support', id: note.id, vendor: note.vendor, source: note.source, case: note.caseId, error });
    await this.record(note, () => this.ledger.markFailed(note.id, error, status));
  }

  /** Records an outcome; if that fails the note stays claimed and in doubt, and the next claim looks for it on the case. */
  private async record(note: DueWriteBack, write: () => Promise<void>): Promise<void> {
    await write().catch((error: Error) => this.logger.error({ msg: 'could not record a write-back outcome', id: note.id, error: error.message }));
  }
}

