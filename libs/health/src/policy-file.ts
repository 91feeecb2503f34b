import { readFileSync } from 'node:fs';
import { DEFAULT_POLICY, type HealthPolicy, parsePolicy, PolicyError } from './policy';

/** Reads and validates a policy file; without a file, the defaults. Throws a one-line PolicyError. */
export function loadPolicyFile(file: string | undefined | null): HealthPolicy {
  if (!file) return DEFAULT_POLICY;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PolicyError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parsePolicy(text, file);
}
