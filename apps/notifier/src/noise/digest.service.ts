import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AudienceBook, digestDay, validTimeZone } from '@forewarn/alerting';
import type { NotifierConfig } from '@forewarn/config';
import { tryLockForTransaction } from '@forewarn/database';
import { Metrics, BackgroundWorker } from '@forewarn/service-kit';
import { DataSource } from 'typeorm';
import { NotificationsStore } from '../delivery/notifications.store';
import { SenderService } from '../delivery/sender.service';
import { NOTIFIER_CONFIG } from '../notifier.config';
import { NoiseStore } from './noise.store';

/** Once a day, at DIGEST_HOUR in each recipient's zone: a digest of their accounts that are not healthy. */
@Injectable()
export class DigestService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DigestService.name);
  private readonly worker: BackgroundWorker;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig,
    private readonly sender: SenderService,
    private readonly audience: AudienceBook,
    metrics: Metrics,
  ) {
    // Only one notifier instance composes digests at a time (a transaction-scoped advisory lock).
    this.worker = new BackgroundWorker({ name: 'digest', intervalMs: config.DIGEST_CHECK_MS, metrics, pass: async () => void (await this.composeDue(new Date())) });
  }

  onApplicationBootstrap(): void {
    this.worker.start(this.config.DIGEST_CHECK_MS);
  }

  /** Queues every digest that is due now; returns how many. */
  async composeDue(now: Date): Promise<number> {
    const queued = await this.db.transaction(async (tx) => {
      if (!(await tryLockForTransaction(tx, 'digest'))) return 0;
      let count = 0;
      for (const person of await new NoiseStore(tx).digestCandidates()) {
        const timeZone = validTimeZone(person.timeZone);
        const day = digestDay(now, timeZone, this.config.DIGEST_HOUR);
        if (!day) continue;
        const fresh = await tx.query('INSERT INTO notifier.digests (email, day) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING email', [person.email, day]);
        if (fresh.length === 0) continue;
        // Leads named by the CRM get a digest only when they are our own people; others are recorded as dropped.
        const verdict = await this.audience.judge(person.email);
        const digest = { kind: 'digest' as const, recipient: { email: person.email, name: person.name }, day, timeZone, accounts: person.accounts };
        if (await new NotificationsStore(tx).addDigest(digest, verdict.kept ? null : verdict.reason)) count += verdict.kept ? 1 : 0;
      }
      return count;
    });
    if (queued > 0) {
      this.logger.log({ msg: 'digests queued', count: queued });
      this.sender.wake();
    }
    return queued;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }
}
