import { loadPolicyFile } from '@forewarn/config';
import type { PolicyInUseRepository } from '@forewarn/database';
import { type HealthPolicy, parsePolicy, PolicyError } from '@forewarn/health';
import { CliError } from '../cli-support';

/**
 * Which health policy a command scores with: the one account-health runs with (it records it at
 * start and on every reload), so the command's results are what the service itself would say.
 * Another only when asked for by a file option; the shell's HEALTH_POLICY_FILE only when
 * account-health never recorded one. `says` tells which, starting with `doing` ("Replaying").
 */
export async function policyInForce(
  policies: PolicyInUseRepository,
  options: { explicitFile: string | undefined; shellFile: string | undefined; doing: string },
): Promise<{ policy: HealthPolicy; from: string; says: string }> {
  const { explicitFile, shellFile, doing } = options;
  try {
    const inUse = await policies.current();
    if (explicitFile) {
      const policy = loadPolicyFile(explicitFile);
      const running = inUse ? `not the one account-health runs with ("${inUse.version}")` : 'account-health has not recorded the policy it runs with';
      return { policy, from: explicitFile, says: `${doing} with the health policy in ${explicitFile}: "${policy.version}", ${running}.` };
    }
    if (inUse) {
      const policy = parsePolicy(JSON.stringify(inUse.policy), 'the policy account-health recorded');
      return { policy, from: 'account-health', says: `${doing} with the health policy account-health runs with: "${policy.version}" (${inUse.source}, since ${inUse.since.toISOString()}).` };
    }
    const policy = loadPolicyFile(shellFile);
    const from = shellFile ?? 'built-in defaults';
    return { policy, from, says: `account-health has not recorded the policy it runs with (has it run on this database?): ${doing.toLowerCase()} with ${shellFile ?? 'the built-in defaults'}: "${policy.version}".` };
  } catch (error) {
    throw error instanceof PolicyError ? new CliError(error.message) : error;
  }
}
