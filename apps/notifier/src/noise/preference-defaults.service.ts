import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DEFAULT_PREFERENCES, type RecipientPreferences } from '@forewarn/alerting';
import type { NotifierConfig } from '@forewarn/config';
import { DataSource } from 'typeorm';
import { NOTIFIER_CONFIG } from '../notifier.config';
import { NoiseStore } from './noise.store';

const RETRY_MS = 5_000;

/** What the notifier applies to people who saved no preferences: the defaults with this notifier's quiet hours. */
export const preferenceDefaultsOf = (config: NotifierConfig): RecipientPreferences => ({ ...DEFAULT_PREFERENCES, quietHours: config.NOTIFY_QUIET_HOURS });

/**
 * Writes those defaults at start (`notifier.preference_defaults`), so the dashboard shows people
 * who saved nothing what the notifier really does with their mail, not a guess of its own.
 */
@Injectable()
export class PreferenceDefaultsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PreferenceDefaultsService.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(@Inject(DataSource) private readonly db: DataSource, @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig) {}

  onApplicationBootstrap(): void {
    void this.record();
  }

  private async record(): Promise<void> {
    try {
      await new NoiseStore(this.db.manager).saveDefaults(preferenceDefaultsOf(this.config));
    } catch (error) {
      this.logger.warn({ msg: 'could not record the default preferences, will retry', error: (error as Error).message });
      this.timer = setTimeout(() => void this.record(), RETRY_MS);
    }
  }

  onApplicationShutdown(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
