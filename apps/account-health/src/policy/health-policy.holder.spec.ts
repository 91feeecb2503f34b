import { type AccountHealthConfig, loadPolicyFile } from '@forewarn/config';
import type { NewAuditEntry } from '@forewarn/database';
import { DEFAULT_POLICY } from '@forewarn/health';
import { Metrics } from '@forewarn/service-kit';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HealthPolicyHolder } from './health-policy.holder';

describe('the health policy in force', () => {
  const dir = mkdtempSync(join(tmpdir(), 'policy-holder-'));
  const file = join(dir, 'health-policy.json');
  const write = (policy: unknown) => writeFileSync(file, typeof policy === 'string' ? policy : JSON.stringify(policy));
  let audited: NewAuditEntry[] = [];
  const holder = () => {
    write({ version: 'v1' });
    audited = [];
    const config = { HEALTH_POLICY_FILE: file, HEALTH_POLICY_WATCH_MS: 100 } as AccountHealthConfig;
    return new HealthPolicyHolder(loadPolicyFile(file), config, new Metrics(), { record: async (entry) => void audited.push(entry) });
  };

  it('reloads a changed file and tells the listeners', () => {
    const policies = holder();
    const seen: string[] = [];
    policies.onChange((p) => seen.push(p.version));
    write({ version: 'v2', handoffs: { weight: 3 } });
    expect(policies.reload('test')).toBe('v2');
    expect(policies.current().handoffs.weight).toBe(3);
    expect(seen).toEqual(['v2']);
  });

  it('writes each reload in the audit log: by account-health, which version from which file', () => {
    const policies = holder();
    write({ version: 'v2', handoffs: { weight: 3 } });
    policies.reload('SIGHUP');
    write({ version: 'v3', handoffs: { wieght: 3 } });
    policies.reload('file changed');
    expect(audited.map((e) => [e.actor, e.action, e.details?.version ?? e.details?.kept, e.details?.file])).toEqual([
      ['system:account-health', 'policy.reloaded', 'v2', file],
      ['system:account-health', 'policy.reload_refused', 'v2', file],
    ]);
    expect(audited[0].details).toMatchObject({ previous: 'v1', why: 'SIGHUP' });
  });

  it('keeps the policy in force when the new file is invalid', () => {
    const policies = holder();
    write({ version: 'v3', handoffs: { wieght: 3 } });
    expect(policies.reload('test')).toBe('v1');
    write('{ not json');
    expect(policies.reload('test')).toBe('v1');
    expect(policies.current()).toEqual({ ...DEFAULT_POLICY, version: 'v1' });
  });

  it('does not bother the listeners when nothing changed', () => {
    const policies = holder();
    const seen: string[] = [];
    policies.onChange((p) => seen.push(p.version));
    policies.reload('SIGHUP');
    expect(seen).toEqual([]);
  });
});
