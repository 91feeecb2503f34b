import { type DynamicModule, Global, Module } from '@nestjs/common';
import { DEFAULT_PREFERENCES, type NoisePolicy, type RecipientPreferences } from '@forewarn/alerting';
import type { NotifierConfig } from '@forewarn/config';

export const NOTIFIER_CONFIG = Symbol('NOTIFIER_CONFIG');

/** The notifier's validated configuration, injected as `@Inject(NOTIFIER_CONFIG)` in every feature module. */
@Global()
@Module({})
export class NotifierConfigModule {
  static forRoot(config: NotifierConfig): DynamicModule {
    return { module: NotifierConfigModule, providers: [{ provide: NOTIFIER_CONFIG, useValue: config }], exports: [NOTIFIER_CONFIG] };
  }
}

export const noisePolicyOf = (config: NotifierConfig): NoisePolicy => ({
  repeatIntervalMs: config.NOTIFY_REPEAT_INTERVAL_MS,
  urgentMeetingWithinMs: config.NOTIFY_URGENT_MEETING_MS,
});

/** What the notifier applies to people who saved no preferences: the defaults with this notifier's quiet hours. */
export const preferenceDefaultsOf = (config: NotifierConfig): RecipientPreferences => ({ ...DEFAULT_PREFERENCES, quietHours: config.NOTIFY_QUIET_HOURS });
