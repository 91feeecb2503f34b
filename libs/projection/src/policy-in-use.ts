import type { HealthPolicy } from '@forewarn/health';
import type { EntityManager } from 'typeorm';

/** The health policy account-health runs with, as it recorded it (`health.policy_in_use`). */
export interface PolicyInUse {
  version: string;
  /** The policy as account-health parsed it (every setting, defaults included). */
  policy: unknown;
  /** The file it was read from, or "built-in defaults". */
  source: string;
  since: Date;
}

/** Records the policy in force: at account-health's start and after each reload (the last writer's stays). */
export async function recordPolicyInUse(db: EntityManager, policy: HealthPolicy, source: string): Promise<void> {
  await db.query(
    `INSERT INTO health.policy_in_use (singleton, version, policy, source, since) VALUES (true, $1, $2, $3, now())
     ON CONFLICT (singleton) DO UPDATE SET version = EXCLUDED.version, policy = EXCLUDED.policy, source = EXCLUDED.source, since = EXCLUDED.since`,
    [policy.version, JSON.stringify(policy), source],
  );
}

/** What account-health recorded; `null` when it never ran on this database. */
export async function policyInUse(db: EntityManager): Promise<PolicyInUse | null> {
  const [row]: { version: string; policy: unknown; source: string; since: Date }[] = await db.query('SELECT version, policy, source, since FROM health.policy_in_use');
  return row ? { version: row.version, policy: row.policy, source: row.source, since: new Date(row.since) } : null;
}
