import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NotifierConfig } from '@forewarn/config';
import { PreferenceDefaultsRepository } from '@forewarn/database';
import { NOTIFIER_CONFIG, preferenceDefaultsOf } from '../notifier.config';

const RETRY_MS = 5_000;

/**
 * Writes the defaults at start (`notifier.preference_defaults`), so the dashboard shows people
 * who saved nothing what the notifier really does with their mail, not a guess of its own.
 */
@Injectable()
export class PreferenceDefaultsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PreferenceDefaultsService.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly defaults: PreferenceDefaultsRepository, @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig) {}

  onApplicationBootstrap(): void {
    void this.record();
  }

  private async record(): Promise<void> {
    try {
      await this.defaults.save(preferenceDefaultsOf(this.config));
    } catch (error) {
      this.logger.warn({ msg: 'could not record the default preferences, will retry', error: (error as Error).message });
      this.timer = setTimeout(() => void this.record(), RETRY_MS);
    }
  }

  onApplicationShutdown(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
