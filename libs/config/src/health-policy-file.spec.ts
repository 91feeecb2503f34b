import { DEFAULT_POLICY } from '@forewarn/health';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicyFile } from './health-policy-file';

describe('the health policy file', () => {
  it('loads a file, or the defaults without one, and names an unreadable file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-'));
    const file = join(dir, 'policy.json');
    writeFileSync(file, JSON.stringify({ version: 'from a file', rejectedResolution: { weight: 30 } }));
    expect(loadPolicyFile(file).rejectedResolution.weight).toBe(30);
    expect(loadPolicyFile(undefined)).toBe(DEFAULT_POLICY);
    expect(() => loadPolicyFile(join(dir, 'missing.json'))).toThrow(`invalid health policy ${join(dir, 'missing.json')}: cannot be read (ENOENT)`);
  });

});
