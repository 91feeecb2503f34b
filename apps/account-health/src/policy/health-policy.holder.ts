import { loadPolicyFile } from '@forewarn/config';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AccountHealthConfig } from '@forewarn/config';
import { AuditLog, type NewAuditEntry } from '@forewarn/database';
import { type HealthPolicy } from '@forewarn/health';
import { Metrics } from '@forewarn/service-kit';
import { type Stats, unwatchFile, watchFile } from 'node:fs';
import { Gauge } from 'prom-client';
import { ACCOUNT_HEALTH_CONFIG, INITIAL_POLICY } from '../account-health.config';

/** Who reloads the policy, in the audit log. */
export const POLICY_ACTOR = 'system:account-health';

/**
 * The health policy in force. Validated at start (main.ts exits with one line on a bad file);
 * reloaded without a restart when the file changes or on SIGHUP. A reload that fails validation
 * is logged and the policy in force stays — a typo never takes scoring down. Each reload that
 * changed the policy, and each refused file, is in the audit log (`policy.reloaded`,
 * `policy.reload_refused`).
 */
@Injectable()
export class HealthPolicyHolder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HealthPolicyHolder.name);
  private readonly listeners: ((policy: HealthPolicy) => void)[] = [];
  private readonly reloads;
  private readonly versionInfo;
  private policy: HealthPolicy;

  constructor(
    @Inject(INITIAL_POLICY) initial: HealthPolicy,
    @Inject(ACCOUNT_HEALTH_CONFIG) private readonly config: AccountHealthConfig,
    metrics: Metrics,
    @Inject(AuditLog) private readonly audit: Pick<AuditLog, 'record'>,
  ) {
    this.policy = initial;
    this.reloads = metrics.counter('forewarn_health_policy_reloads_total', 'Health policy reloads', ['outcome']);
    this.versionInfo = new Gauge({ name: 'forewarn_health_policy_info', help: 'The health policy in force (its version is the label)', labelNames: ['version'], registers: [metrics.registry] });
    this.versionInfo.set({ version: initial.version }, 1);
  }

  current(): HealthPolicy {
    return this.policy;
  }

  /** Called with the new policy after each successful reload that changed it. */
  onChange(listener: (policy: HealthPolicy) => void): void {
    this.listeners.push(listener);
  }

  onApplicationBootstrap(): void {
    const file = this.config.HEALTH_POLICY_FILE;
    this.logger.log({ msg: 'health policy in force', version: this.policy.version, file: file ?? '(built-in defaults)' });
    if (file) {
      watchFile(file, { interval: this.config.HEALTH_POLICY_WATCH_MS, persistent: false }, (now: Stats, before: Stats) => {
        if (now.mtimeMs !== before.mtimeMs || now.size !== before.size) this.reload('file changed');
      });
    }
  }

  /** Re-reads the policy file; returns the version in force afterwards. */
  reload(why: string): string {
    const file = this.config.HEALTH_POLICY_FILE;
    if (!file) {
      this.logger.log({ msg: 'no HEALTH_POLICY_FILE to reload; the built-in defaults stay', why });
      return this.policy.version;
    }
    let next: HealthPolicy;
    try {
      next = loadPolicyFile(file);
    } catch (error) {
      this.reloads.inc({ outcome: 'invalid' });
      this.logger.error({ msg: `health policy not reloaded, keeping version "${this.policy.version}": ${(error as Error).message}`, why });
      this.record({ actor: POLICY_ACTOR, action: 'policy.reload_refused', target: file, details: { file, kept: this.policy.version, why, problem: (error as Error).message } });
      return this.policy.version;
    }
    if (JSON.stringify(next) === JSON.stringify(this.policy)) return this.policy.version;
    const previous = this.policy.version;
    this.policy = next;
    this.reloads.inc({ outcome: 'reloaded' });
    this.versionInfo.reset();
    this.versionInfo.set({ version: next.version }, 1);
    this.logger.log({ msg: 'health policy reloaded', version: next.version, previous, why });
    this.record({ actor: POLICY_ACTOR, action: 'policy.reloaded', target: file, details: { version: next.version, previous, file, why } });
    for (const listener of this.listeners) listener(next);
    return next.version;
  }

  /** The audit entry is written in the background: a reload never waits for, or fails with, PostgreSQL. */
  private record(entry: NewAuditEntry): void {
    this.audit.record(entry).catch((error: unknown) => {
      this.logger.warn({ msg: 'could not write the policy reload to the audit log', action: entry.action, error: (error as Error).message });
    });
  }

  onApplicationShutdown(): void {
    if (this.config.HEALTH_POLICY_FILE) unwatchFile(this.config.HEALTH_POLICY_FILE);
  }
}
