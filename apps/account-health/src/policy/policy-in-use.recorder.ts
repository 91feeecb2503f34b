import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AccountHealthConfig } from '@forewarn/config';
import { PolicyInUseRepository } from '@forewarn/database';
import type { HealthPolicy } from '@forewarn/health';
import { ACCOUNT_HEALTH_CONFIG } from '../account-health.config';
import { HealthPolicyHolder } from './health-policy.holder';

const RETRY_MS = 5_000;

/**
 * Writes the policy in force to `health.policy_in_use` at start and after every reload, so
 * `forewarn replay` and `forewarn backtest` score with the policy this service runs with, not the
 * one of the shell they run in.
 */
@Injectable()
export class PolicyInUseRecorder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PolicyInUseRecorder.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly policies: PolicyInUseRepository,
    @Inject(ACCOUNT_HEALTH_CONFIG) private readonly config: AccountHealthConfig,
    private readonly holder: HealthPolicyHolder,
  ) {}

  onApplicationBootstrap(): void {
    this.holder.onChange((policy) => void this.record(policy));
    void this.record(this.holder.current());
  }

  private async record(policy: HealthPolicy): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    try {
      await this.policies.record(policy, this.config.HEALTH_POLICY_FILE ?? 'built-in defaults');
    } catch (error) {
      this.logger.warn({ msg: 'could not record the health policy in force, will retry', version: policy.version, error: (error as Error).message });
      // Only the newest policy matters: a retry of an older one never overtakes a later reload.
      this.timer = setTimeout(() => void (this.holder.current() === policy && this.record(policy)), RETRY_MS);
    }
  }

  onApplicationShutdown(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
