import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AudienceBook, digestDay, validTimeZone } from '@forewarn/alerting';
import type { NotifierConfig } from '@forewarn/config';
import { DataSource } from 'typeorm';
import { NotificationsStore } from '../delivery/notifications.store';
import { SenderService } from '../delivery/sender.service';
import { NOTIFIER_CONFIG } from '../notifier.config';
import { NoiseStore } from './noise.store';

/** Only one notifier instance composes digests at a time (transaction-scoped advisory lock). */
const DIGEST_LOCK = 0x46574447; // "FWDG"

/** Once a day, at DIGEST_HOUR in each recipient's zone: a digest of their accounts that are not healthy. */
@Injectable()
export class DigestService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DigestService.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig,
    private readonly sender: SenderService,
    private readonly audience: AudienceBook,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.composeDue(new Date())
        .then(() => undefined, (error) => this.logger.warn({ msg: 'digest pass failed, will retry', error: (error as Error).message }))
        .finally(() => (this.running = null));
    }, this.config.DIGEST_CHECK_MS);
  }

  /** Queues every digest that is due now; returns how many. */
  async composeDue(now: Date): Promise<number> {
    const queued = await this.db.transaction(async (tx) => {
      const [{ locked }] = await tx.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [DIGEST_LOCK]);
      if (!locked) return 0;
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
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
