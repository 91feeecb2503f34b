import { Injectable } from '@nestjs/common';
import { NO_WRITE_BACK, type WriteBackSettings } from '@forewarn/write-back';
import { TxHost } from '../unit-of-work';
import { WriteBackEntity } from './write-back.entity';

/** A source's write-back settings as stored: the settings, and the sealed token (which only the notifier opens). */
export interface StoredWriteBack {
  settings: WriteBackSettings;
  sealedToken: string | null;
}

/**
 * The write-back settings of sources (`gateway.write_back`), changed by `forewarn source set
 * --write-back …`. The token arrives sealed; nothing here sees it in the clear.
 */
@Injectable()
export class WriteBackSettingsRepository {
  constructor(private readonly txHost: TxHost) {}

  private get rows() {
    return this.txHost.tx.getRepository(WriteBackEntity);
  }

  /** A source's settings; `off` with nothing set when it never had any. */
  async of(source: string): Promise<StoredWriteBack> {
    const row = await this.rows.findOneBy({ source });
    if (!row) return { settings: NO_WRITE_BACK, sealedToken: null };
    return {
      settings: { mode: row.mode, apiUrl: row.apiUrl, apiUser: row.apiUser, tag: row.tag, supportHeadsUp: row.supportHeadsUp, hasToken: row.apiTokenSealed !== null },
      sealedToken: row.apiTokenSealed,
    };
  }

  /** Every source's settings that has any, by source name (for `forewarn source list`). */
  async all(): Promise<Map<string, WriteBackSettings>> {
    const rows = await this.rows.find();
    return new Map(rows.map((r) => [r.source, { mode: r.mode, apiUrl: r.apiUrl, apiUser: r.apiUser, tag: r.tag, supportHeadsUp: r.supportHeadsUp, hasToken: r.apiTokenSealed !== null }]));
  }

  /** Stores a source's settings with its sealed token (null: none); the source must exist. */
  async save(source: string, settings: Omit<WriteBackSettings, 'hasToken'>, sealedToken: string | null): Promise<void> {
    await this.rows.createQueryBuilder().insert()
      .values({ source, mode: settings.mode, apiUrl: settings.apiUrl, apiUser: settings.apiUser, apiTokenSealed: sealedToken, tag: settings.tag, supportHeadsUp: settings.supportHeadsUp, updatedAt: () => 'now()' })
      .orUpdate(['mode', 'api_url', 'api_user', 'api_token_sealed', 'tag', 'support_heads_up', 'updated_at'], ['source'])
      .execute();
  }
}
