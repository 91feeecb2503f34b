import { Injectable } from '@nestjs/common';
import type { HealthPolicy } from '@forewarn/health';
import { TxHost } from '../unit-of-work';
import { PolicyInUseEntity } from './policy-in-use.entity';

/** The health policy account-health runs with, as it recorded it. */
export type PolicyInUse = Pick<PolicyInUseEntity, 'version' | 'policy' | 'source' | 'since'>;

/**
 * The health policy account-health runs with (`health.policy_in_use`), recorded at its start and
 * after each reload (the last writer's stays), so the CLI scores with the same one.
 */
@Injectable()
export class PolicyInUseRepository {
  constructor(private readonly txHost: TxHost) {}

  private get records() {
    return this.txHost.tx.getRepository(PolicyInUseEntity);
  }

  async record(policy: HealthPolicy, source: string): Promise<void> {
    await this.records.upsert({ singleton: true, version: policy.version, policy, source, since: () => 'now()' }, ['singleton']);
  }

  /** What account-health recorded; `null` when it never ran on this database. */
  async current(): Promise<PolicyInUse | null> {
    const record = await this.records.findOneBy({ singleton: true });
    return record && { version: record.version, policy: record.policy, source: record.source, since: record.since };
  }
}
