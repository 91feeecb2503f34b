#!/usr/bin/env node
// `npm run bench -- <name>`: runs bench/<name>.mjs (gateway, pipeline, latency, replay, dashboard), or all of them.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const NAMES = ['gateway', 'pipeline', 'latency', 'replay', 'dashboard'];
const asked = process.argv[2] ?? 'all';
const names = asked === 'all' ? NAMES : [asked];
if (!existsSync(join(here, '..', 'dist', 'apps', 'gateway', 'src', 'main.js'))) {
  process.stderr.write('bench: dist/ is missing; run `npm run build` first\n');
  process.exit(1);
}
for (const name of names) {
  if (!NAMES.includes(name)) {
    process.stderr.write(`bench: unknown benchmark "${name}"; one of ${NAMES.join(', ')}, or all\n`);
    process.exit(64);
  }
  const result = spawnSync(process.execPath, [join(here, `${name}.mjs`), ...process.argv.slice(3)], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
