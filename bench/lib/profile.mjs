// Summarises a V8 .cpuprofile (node --cpu-prof): self time by function and by package.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function summariseProfiles(dir, top = 25) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const byFunction = new Map();
  const byPackage = new Map();
  let total = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    const dt = new Map();
    for (let i = 0; i < profile.samples.length; i++) dt.set(profile.samples[i], (dt.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
    for (const [id, us] of dt) {
      const node = nodes.get(id);
      if (!node) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      const where = url.replace(/^file:\/\//, '').replace(/.*\/node_modules\//, 'node_modules/').replace(/.*\/dist\//, 'dist/');
      const fn = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
      const pkg = !url ? `(${functionName || 'native'})` : url.includes('/node_modules/') ? url.replace(/.*\/node_modules\/((@[^/]+\/)?[^/]+).*/, '$1') : url.includes('/dist/') ? url.replace(/.*\/dist\/((apps|libs)\/[^/]+).*/, '$1') : url.startsWith('node:') ? 'node core' : 'other';
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
      total += us;
    }
  }
  const rank = (map) => [...map].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, us]) => ({ name, ms: Math.round(us / 1000), share: `${((100 * us) / total).toFixed(1)}%` }));
  return { totalMs: Math.round(total / 1000), byPackage: rank(byPackage), byFunction: rank(byFunction) };
}
