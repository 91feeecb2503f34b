import { Injectable } from '@nestjs/common';
import { TxHost } from '../unit-of-work';
import { DigestEntity } from './digest.entity';

/** Which digests were composed (`notifier.digests`): one per person and local day. */
@Injectable()
export class DigestsRepository {
  constructor(private readonly txHost: TxHost) {}

  /** Claims this person's digest of this day; `false` when it was composed already. */
  async claim(email: string, day: string): Promise<boolean> {
    const result = await this.txHost.tx.getRepository(DigestEntity).createQueryBuilder().insert().values({ email, day }).orIgnore().returning(['email']).execute();
    return (result.raw as unknown[]).length > 0;
  }
}
