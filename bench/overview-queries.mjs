#!/usr/bin/env node
// The overview's read model alone (`AccountsService.page` without its counts, which are cached for
// 5 s: the page's accounts and their 14-day trends, the first page of 100 in risk order, an admin
// and a team's lead), this build against another build's, in one process on one seeded
// database: 2-second windows alternating between the builds, so a slow spell of the machine hits
// both alike. What the HTTP benchmark (dashboard.mjs) cannot separate from its noise: the SQL's own
// cost, sent through each build's own TypeORM pool.
//
//   BENCH_DATABASE_URL=postgres://… BENCH_BEFORE=../before node bench/overview-queries.mjs
//   (a database seeded by `BENCH_KEEP_DB=1 BENCH_SEED_ONLY=1 node bench/dashboard.mjs`; both builds'
//   dist/ built; the schema must be the same for both)
//   BENCH_CONCURRENCY=1,8 BENCH_ROUNDS=6 BENCH_WINDOW_SECONDS=2
import { createRequire } from 'node:module';
import { leadOf, teamOf } from './lib/seed.mjs';
import { commitOf, log, machine, median, REPO_ROOT, saveResults, table } from './lib/stack.mjs';

const DATABASE_URL = process.env.BENCH_DATABASE_URL;
const BEFORE = process.env.BENCH_BEFORE;
if (!DATABASE_URL || !BEFORE) throw new Error('set BENCH_DATABASE_URL (a seeded dashboard database) and BENCH_BEFORE (a checkout with dist/ built)');
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1,8').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_SECONDS ?? 2) * 1000;
const PAGE = { limit: 100, offset: 0 };
const RISK = { states: [], team: null, owner: null, q: null, sort: 'risk' };
const readers = {
  admin: { email: 'admin@sales.example', name: null, role: 'admin', team: null },
  lead: { email: leadOf(7), name: null, role: 'lead', team: teamOf(7) },
};

const host = machine();
const builds = { now: REPO_ROOT, [`before (${commitOf(BEFORE)})`]: BEFORE };
const models = {};
for (const [name, root] of Object.entries(builds)) {
  const require = createRequire(`${root}/package.json`);
  require(`${root}/node_modules/reflect-metadata`);
  const { openDatabase } = require(`${root}/dist/libs/database/src/index.js`);
  const { AccountsReadModel } = require(`${root}/dist/apps/dashboard/src/accounts/accounts.read-model.js`);
  const { AccountsService } = require(`${root}/dist/apps/dashboard/src/accounts/accounts.service.js`);
  const db = await openDatabase(DATABASE_URL, { poolSize: Math.max(...CONCURRENCY), applicationName: 'bench-overview-queries' });
  const service = new AccountsService(new AccountsReadModel({ tx: db.manager }), null, null, null);
  // The counts are cached for 5 s, so a window would or would not hold a count: left out.
  service.countByState = async () => ({ healthy: 0, watch: 0, at_risk: 0, firestorm: 0 });
  models[name] = { service, db };
}

/** Pages read per second by `concurrency` callers for one window. */
async function window(service, reader, concurrency) {
  const until = performance.now() + WINDOW_MS;
  let pages = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < until) {
      await service.page(reader, RISK, PAGE);
      pages++;
    }
  }));
  return pages / (WINDOW_MS / 1000);
}

const rows = [];
for (const concurrency of CONCURRENCY) {
  for (const [who, reader] of Object.entries(readers)) {
    const rates = Object.fromEntries(Object.keys(builds).map((name) => [name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which build goes first.
      const order = round % 2 ? Object.keys(builds).reverse() : Object.keys(builds);
      for (const name of order) rates[name].push(await window(models[name].service, reader, concurrency));
    }
    for (const [name, perSecond] of Object.entries(rates)) {
      const row = { reader: who, concurrency, build: name, pagesPerSecond: median(perSecond), windows: perSecond.map((r) => Math.round(r)) };
      rows.push(row);
      log(`${who}, ${concurrency} at once, ${name}: ${row.pagesPerSecond} pages/s (windows ${row.windows.join(' ')})`);
    }
  }
}
for (const { db } of Object.values(models)) await db.destroy();

const ratios = CONCURRENCY.flatMap((concurrency) => Object.keys(readers).map((reader) => {
  const [now, before] = Object.keys(builds).map((name) => rows.find((r) => r.reader === reader && r.concurrency === concurrency && r.build === name).pagesPerSecond);
  return { reader, concurrency, now, before, ratio: Number((now / before).toFixed(2)) };
}));
process.stdout.write(`\nthe overview's first page of 100 in risk order with its trends, pages/s (medians of ${ROUNDS} windows of ${WINDOW_MS / 1000} s):\n${table(ratios)}\n`);
saveResults(process.env.BENCH_RESULTS ?? 'overview-queries', { machine: host, settings: { CONCURRENCY, ROUNDS, WINDOW_MS, BEFORE: builds }, rows, ratios });
