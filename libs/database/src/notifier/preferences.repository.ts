import { Injectable } from '@nestjs/common';
import type { RecipientPreferences } from '@forewarn/alerting';
import type { PreferencesUpdated } from '@forewarn/contracts';
import { IsNull, Not } from 'typeorm';
import { TxHost } from '../unit-of-work';
import { PreferenceEntity } from './preference.entity';

/** People's notification preferences (`notifier.preferences`), one record at a time. */
@Injectable()
export class PreferencesRepository {
  constructor(private readonly txHost: TxHost) {}

  private get preferences() {
    return this.txHost.tx.getRepository(PreferenceEntity);
  }

  /** Keeps what someone saved, unless a newer update of theirs is already kept (updates may arrive out of order). */
  async save(update: PreferencesUpdated): Promise<void> {
    const d = update.data;
    await this.preferences
      .createQueryBuilder('kept')
      .insert()
      .values({
        email: d.email.toLowerCase(), mode: d.mode, quietStart: d.quietHours?.start ?? null, quietEnd: d.quietHours?.end ?? null,
        timeZone: d.timeZone, chat: d.chat, updatedAt: new Date(update.time),
      })
      .orUpdate(['mode', 'quiet_start', 'quiet_end', 'time_zone', 'chat', 'updated_at'], ['email'], {
        overwriteCondition: { where: 'kept.updated_at <= EXCLUDED.updated_at' },
      })
      .execute();
  }

  /** What this person saved; `null` when they saved nothing (the notifier's defaults apply). */
  async of(email: string): Promise<RecipientPreferences | null> {
    const row = await this.preferences.findOneBy({ email });
    if (!row) return null;
    return { mode: row.mode, quietHours: row.quietStart && row.quietEnd ? { start: row.quietStart, end: row.quietEnd } : null, timeZone: row.timeZone, chat: row.chat };
  }

  /** Who asked for digests instead of alert mails. */
  async digestReaders(): Promise<string[]> {
    return (await this.preferences.find({ select: { email: true }, where: { mode: 'digest' } })).map((r) => r.email);
  }

  /** The time zones people set, by e-mail. */
  async timeZones(): Promise<Map<string, string>> {
    const rows = await this.preferences.find({ select: { email: true, timeZone: true }, where: { timeZone: Not(IsNull()) } });
    return new Map(rows.map((r) => [r.email, r.timeZone as string]));
  }
}
