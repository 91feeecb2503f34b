import { Injectable } from '@nestjs/common';
import type { RecipientPreferences } from '@forewarn/alerting';
import { TxHost } from '../unit-of-work';
import { PreferenceDefaultsEntity } from './preference-defaults.entity';

/** The defaults this notifier applies to people who saved none (`notifier.preference_defaults`), for the dashboard to show. */
@Injectable()
export class PreferenceDefaultsRepository {
  constructor(private readonly txHost: TxHost) {}

  /** One row: the last writer's (every notifier instance applies the same configuration). */
  async save(defaults: RecipientPreferences): Promise<void> {
    await this.txHost.tx
      .getRepository(PreferenceDefaultsEntity)
      .createQueryBuilder()
      .insert()
      .values({ singleton: true, mode: defaults.mode, quietStart: defaults.quietHours?.start ?? null, quietEnd: defaults.quietHours?.end ?? null, updatedAt: () => 'now()' })
      .orUpdate(['mode', 'quiet_start', 'quiet_end', 'updated_at'], ['singleton'])
      .execute();
  }
}
