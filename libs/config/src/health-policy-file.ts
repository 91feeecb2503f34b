import { readFileSync } from 'node:fs';
import { DEFAULT_POLICY, type HealthPolicy, parsePolicy, PolicyError } from '@forewarn/health';

/** Reads and validates the health policy file (HEALTH_POLICY_FILE); the domain lib only parses, it reads no files. without a file, the defaults. Throws a one-line PolicyError. */
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
