import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AudienceBook, digestDay, validTimeZone } from '@forewarn/alerting';
import type { NotifierConfig } from '@forewarn/config';
import {
  AccountStatusRepository, CurrentHealthRepository, DigestsRepository, NotificationsRepository, PreferencesRepository, tryLockForTransaction, TxHost,
} from '@forewarn/database';
import { Metrics, BackgroundWorker } from '@forewarn/service-kit';
import { SenderService } from '../delivery/sender.service';
import { NOTIFIER_CONFIG } from '../notifier.config';
import { type DigestRecipient, digestRecipients } from './digest-recipients';

/** Once a day, at DIGEST_HOUR in each recipient's zone: a digest of their accounts that are not healthy. */
@Injectable()
export class DigestService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DigestService.name);
  private readonly worker: BackgroundWorker;

  constructor(
    private readonly txHost: TxHost,
    private readonly digests: DigestsRepository,
    private readonly notifications: NotificationsRepository,
    private readonly accountStatus: AccountStatusRepository,
    private readonly health: CurrentHealthRepository,
    private readonly preferences: PreferencesRepository,
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
    const queued = await this.txHost.withTransaction(async () => {
      if (!(await tryLockForTransaction(this.txHost.tx, 'digest'))) return 0;
      let count = 0;
      for (const person of await this.recipients()) {
        const timeZone = validTimeZone(person.timeZone);
        const day = digestDay(now, timeZone, this.config.DIGEST_HOUR);
        if (!day) continue;
        if (!(await this.digests.claim(person.email, day))) continue;
        // Leads named by the CRM get a digest only when they are our own people; others are recorded as dropped.
        const verdict = await this.audience.judge(person.email);
        const digest = { kind: 'digest' as const, recipient: { email: person.email, name: person.name }, day, timeZone, accounts: person.accounts };
        if (await this.notifications.addDigest(digest, verdict.kept ? null : verdict.reason)) count += verdict.kept ? 1 : 0;
      }
      return count;
    });
    if (queued > 0) {
      this.logger.log({ msg: 'digests queued', count: queued });
      this.sender.wake();
    }
    return queued;
  }

  private async recipients(): Promise<DigestRecipient[]> {
    const unhealthy = await this.health.unhealthyAmong(await this.accountStatus.accountIds());
    const latestAlerts = await this.accountStatus.latestAlerts(unhealthy.map((h) => h.accountId));
    return digestRecipients(latestAlerts, unhealthy, new Set(await this.preferences.digestReaders()), await this.preferences.timeZones());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }
}
