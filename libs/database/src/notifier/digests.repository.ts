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

  /** Forgets which digests were composed on days before `day` (a digest is only ever due today). */
  async forgetBefore(day: string): Promise<number> {
    const result = await this.txHost.tx.getRepository(DigestEntity).createQueryBuilder().delete().where('day < :day', { day }).execute();
    return result.affected ?? 0;
  }
}
