#!/usr/bin/env node
// Dashboard API at 100k accounts and 2M cases: the overview (`GET /api/accounts`, `GET /`) and the
// account page (`GET /api/accounts/:id`, `GET /accounts/:id`) against a bare node:http + pg server
// that answers the same questions with the simplest SQL, alternating, all in one run. Then the
// database time of each of the dashboard's own queries (EXPLAIN ANALYZE of exactly the SQL its
// code sends, for the same users and filters).
//
//   node bench/dashboard.mjs     (after `npm run build`; or `npm run bench -- dashboard`)
//   BENCH_ACCOUNTS=100000 BENCH_CASES=2000000 BENCH_SECONDS=15 BENCH_CONCURRENCY=8 BENCH_ROUNDS=2
//
// Seeding takes minutes; to measure again on the same data, keep the database and reuse it:
//   BENCH_KEEP_DB=1 BENCH_SEED_ONLY=1 node bench/dashboard.mjs      seeds, keeps, prints BENCH_DATABASE_URL=…
//   BENCH_DATABASE_URL=postgres://… flock /tmp/forewarn-bench.lock node bench/dashboard.mjs
// A reused database is migrated, seeded only when it has no accounts, and never dropped. Its times
// are relative to when it was seeded (meetings ±30 days, 14-day trends): reuse it the same day.
// Another build's dashboard alongside, on a database seeded by that checkout (its own schema):
//   BENCH_BEFORE=../before BENCH_BEFORE_DATABASE_URL=postgres://… node bench/dashboard.mjs
import { createRequire } from 'node:module';
import pg from 'pg';
import { random } from './lib/events.mjs';
import { runLoad } from './lib/load.mjs';
import { accountId, leadOf, seedProjections, teamOf } from './lib/seed.mjs';
import { commitOf, dist, log, machine, machineCpuSeconds, median, REPO_ROOT, saveResults, startEnvironment, startProcess, table } from './lib/stack.mjs';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 100_000);
const CASES = Number(process.env.BENCH_CASES ?? 2_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
/** After the rounds under load, one more with a single connection: the latency without queueing. */
const LOADS = [...Array.from({ length: ROUNDS }, () => CONCURRENCY), 1];
const TARGET_P95_MS = 50;
const REUSE_DATABASE_URL = process.env.BENCH_DATABASE_URL || null;
const SEED_ONLY = process.env.BENCH_SEED_ONLY === '1';
/** The overview's default page size (`limit` of `GET /api/accounts` and `/`). */
const DEFAULT_PAGE = Number(process.env.BENCH_DEFAULT_PAGE ?? 100);
/** BENCH_ONLY=<regexp>: only the scenarios whose name matches, e.g. "overview API". */
const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null;
const BEFORE = process.env.BENCH_BEFORE ?? null;
const BEFORE_DATABASE_URL = process.env.BENCH_BEFORE_DATABASE_URL ?? null;
if (BEFORE && !BEFORE_DATABASE_URL) throw new Error('BENCH_BEFORE needs BENCH_BEFORE_DATABASE_URL: seed one with that checkout (BENCH_KEEP_DB=1 BENCH_SEED_ONLY=1 node bench/dashboard.mjs there)');
const BEFORE_LABEL = BEFORE ? `before (${commitOf(BEFORE)})` : null;

// The dashboard's own query code, to time exactly the SQL it sends (Nest decorators need reflect-metadata).
createRequire(import.meta.url)(`${REPO_ROOT}/node_modules/reflect-metadata`);
const { AudienceRepository, FeedbackClaimsRepository, queryPrepared, SessionsRepository, UsersRepository } = dist('libs/database/src/index.js');
const { AudienceBook } = dist('libs/alerting/src/index.js');
const { AccountsReadModel } = dist('apps/dashboard/src/accounts/accounts.read-model.js');
const { AccountsService } = dist('apps/dashboard/src/accounts/accounts.service.js');
const { SupportNotesReadModel } = dist('apps/dashboard/src/accounts/support-notes.read-model.js');
const { AlertsReadModel } = dist('apps/dashboard/src/alerts/alerts.read-model.js');
const { AlertsService } = dist('apps/dashboard/src/alerts/alerts.service.js');
const { parseAccountFilters, parseAccountPage } = dist('apps/dashboard/src/accounts/account-filters.js');

const host = machine();
const env = await startEnvironment('dash', { databaseUrl: REUSE_DATABASE_URL, keepDatabase: process.env.BENCH_KEEP_DB === '1' || SEED_ONLY });
const runs = [];
let seed = null;
let memory = {};
let database = [];
let picked = {};

try {
  const [{ accounts: present }] = await env.db.query('SELECT count(*)::int AS accounts FROM health.accounts');
  if (present > 0) {
    const [{ cases }] = await env.db.query('SELECT count(*)::int AS cases FROM health.cases');
    seed = { reused: env.databaseUrl, accounts: present, cases };
    log(`reusing ${env.databaseUrl}: ${present} accounts, ${cases} cases`);
    if (present !== ACCOUNTS || cases !== CASES) log(`  (not the ${ACCOUNTS} accounts and ${CASES} cases asked for)`);
  } else {
    log(`seeding ${ACCOUNTS} accounts and ${CASES} cases into ${env.databaseUrl}`);
    const seededAt = Date.now();
    seed = await seedProjections(env.databaseUrl, { accounts: ACCOUNTS, cases: CASES, log: (m) => log(`  ${m}`) });
    seed.seconds = Math.round((Date.now() - seededAt) / 1000);
    log(`seeded in ${seed.seconds} s: ${JSON.stringify(seed.states)}`);
  }
  if (SEED_ONLY) {
    await env.close();
    process.exit(0);
  }

  // A lead sees one team (~2 % of the accounts) and the accounts they lead; an admin sees all.
  const team = teamOf(7);
  // Repositories query through a unit of work's host (`TxHost#tx`): here the pool's EntityManager.
  const host = { tx: env.db.manager };
  const users = new UsersRepository(host, new SessionsRepository(host));
  const admin = await users.upsert({ email: 'admin@sales.example', name: 'Ada Admin', role: 'admin', team: null });
  const lead = await users.upsert({ email: leadOf(7), name: 'Morgan Lead', role: 'lead', team });
  const tokens = { admin: admin.token, lead: lead.token };
  if (BEFORE) {
    // The same users, by the same tokens, in the before build's database.
    const people = await env.db.query(`SELECT email, name, role, team, token_hash, status FROM dashboard.users WHERE email = ANY($1)`, [[admin.user.email, lead.user.email]]);
    const other = new pg.Client({ connectionString: BEFORE_DATABASE_URL });
    await other.connect();
    for (const u of people) {
      await other.query(`INSERT INTO dashboard.users (email, name, role, team, token_hash, status) VALUES ($1, $2, $3, $4, $5, $6)
                         ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role, team = EXCLUDED.team, token_hash = EXCLUDED.token_hash, status = EXCLUDED.status`,
        [u.email, u.name, u.role, u.team, u.token_hash, u.status]);
    }
    await other.end();
  }

  // Account pages: any account (uniformly), or the 100 with the most cases (hundreds to thousands
  // of cases and up to 60 alerts each: the pages that cost most).
  const biggest = (await env.db.query(`SELECT account_id, count(*)::int AS cases FROM health.cases GROUP BY account_id ORDER BY cases DESC, account_id LIMIT 100`));
  const [{ n: medianCases }] = await env.db.query(`SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY n) AS n FROM (SELECT count(*)::int AS n FROM health.cases GROUP BY account_id) c`);
  picked = { team, biggest: biggest.slice(0, 3), casesOfTheMedianAccount: medianCases };
  const rnd = random(6);
  const anyAccount = () => accountId(Math.floor(rnd() * ACCOUNTS));
  const bigAccount = () => biggest[Math.floor(rnd() * biggest.length)].account_id;

  // The overview API and page return a page of DEFAULT_PAGE accounts unless asked for up to 1,000
  // (`limit`); the bare server answers the same number of rows.
  const SCENARIOS = [
    { name: `overview API, admin (all accounts), ${DEFAULT_PAGE} rows`, user: 'admin', path: () => '/api/accounts', bare: () => `/api/accounts?limit=${DEFAULT_PAGE}` },
    { name: 'overview API, admin (all accounts), 1,000 rows', user: 'admin', path: () => '/api/accounts?limit=1000', bare: () => '/api/accounts?limit=1000' },
    { name: `overview API, admin, 11th page of ${DEFAULT_PAGE}`, user: 'admin', path: () => `/api/accounts?offset=${10 * DEFAULT_PAGE}`, bare: () => `/api/accounts?limit=${DEFAULT_PAGE}` },
    { name: `overview API, lead (one team), ${DEFAULT_PAGE} rows`, user: 'lead', path: () => '/api/accounts', bare: () => `/api/accounts?team=${team}&limit=${DEFAULT_PAGE}` },
    { name: 'overview API, lead (one team), 1,000 rows', user: 'lead', path: () => '/api/accounts?limit=1000', bare: () => `/api/accounts?team=${team}&limit=1000` },
    { name: `overview API, admin, at risk or worse, ${DEFAULT_PAGE} rows`, user: 'admin', path: () => '/api/accounts?state=at_risk,firestorm', bare: () => `/api/accounts?state=at_risk,firestorm&limit=${DEFAULT_PAGE}` },
    { name: `overview page (HTML), lead, ${DEFAULT_PAGE} rows`, user: 'lead', path: () => '/', bare: () => `/api/accounts?team=${team}&limit=${DEFAULT_PAGE}` },
    { name: `overview page (HTML), admin, ${DEFAULT_PAGE} rows`, user: 'admin', path: () => '/', bare: () => `/api/accounts?limit=${DEFAULT_PAGE}` },
    { name: 'overview page (HTML), admin, 1,000 rows', user: 'admin', path: () => '/?limit=1000', bare: () => '/api/accounts?limit=1000' },
    { name: 'account API, any account', user: 'admin', account: anyAccount, path: (id) => `/api/accounts/${id}`, bare: (id) => `/api/accounts/${id}` },
    { name: 'account API, 100 biggest accounts', user: 'admin', account: bigAccount, path: (id) => `/api/accounts/${id}`, bare: (id) => `/api/accounts/${id}` },
    { name: 'account page (HTML), any account', user: 'admin', account: anyAccount, path: (id) => `/accounts/${id}`, bare: (id) => `/api/accounts/${id}` },
  ].filter((s) => !ONLY || ONLY.test(s.name));

  // BENCH_DASHBOARD_NODE_ARGS: Node.js options for the dashboard (e.g. `--cpu-prof --cpu-prof-dir=<dir>` to profile it).
  const dashboard = await startProcess('dashboard', env.env, { nodeArgs: (process.env.BENCH_DASHBOARD_NODE_ARGS ?? '').split(/\s+/).filter(Boolean) });
  const bare = await startProcess('bare', env.env, { script: `${REPO_ROOT}/bench/baseline/bare-dashboard.mjs` });
  // BENCH_BEFORE=<checkout with dist/ built> and BENCH_BEFORE_DATABASE_URL=<a database that build
  // seeded>: that build's dashboard too, on its own schema and the same kind of data.
  const before = BEFORE ? await startProcess('dashboard', { ...env.env, DATABASE_URL: BEFORE_DATABASE_URL }, { root: BEFORE }) : null;
  const systems = { dashboard, bare, ...(before ? { [BEFORE_LABEL]: before } : {}) };
  const names = Object.keys(systems);

  for (const [round, concurrency] of LOADS.entries()) {
    for (const scenario of SCENARIOS) {
      // Alternate which system goes first, so neither always gets the warmer cache.
      const order = round % 2 === 0 ? names : [...names].reverse();
      for (const system of order) {
        const service = systems[system];
        const pathOf = system === 'bare' ? scenario.bare : scenario.path;
        const cpuBefore = service.cpuSeconds();
        const machineBefore = machineCpuSeconds();
        const loadBefore = process.cpuUsage();
        const result = await runLoad({
          url: service.url,
          method: 'GET',
          expectStatus: 200,
          headers: { authorization: `Bearer ${tokens[scenario.user]}` },
          makeBody: () => ({ path: pathOf(scenario.account?.()) }),
          concurrency,
          durationMs: SECONDS * 1000,
        });
        const cpu = service.cpuSeconds() - cpuBefore;
        // Where the CPU of a request goes: the server, this process sending the requests, and the
        // rest of the machine (PostgreSQL, mostly; its parallel workers come and go). Each includes
        // the 3 s warm-up, at about the same rate as the measured window.
        const perRequest = (seconds) => Number(((seconds * 1000) / Math.max(1, result.requestsPerSecond * (result.seconds + 3))).toFixed(2));
        const { user, system: kernel } = process.cpuUsage(loadBefore);
        const load = (user + kernel) / 1e6;
        const cpuMsPerRequest = perRequest(cpu);
        const loadMsPerRequest = perRequest(load);
        const restMsPerRequest = perRequest(machineCpuSeconds() - machineBefore - cpu - load);
        log(`round ${round + 1} (${concurrency} conn.) ${scenario.name} ${system}: ${result.requestsPerSecond} req/s, p50 ${result.latencyMs.p50} p95 ${result.latencyMs.p95} p99 ${result.latencyMs.p99} ms, ${result.kbPerResponse} KB, ${JSON.stringify(result.statuses)}, cpu ${cpu.toFixed(1)} s; ms of CPU a request: server ${cpuMsPerRequest}, load ${loadMsPerRequest}, rest (PostgreSQL) ${restMsPerRequest}`);
        runs.push({ round, concurrency, scenario: scenario.name, system, ...result, cpuSeconds: Number(cpu.toFixed(1)), cpuMsPerRequest, loadMsPerRequest, restMsPerRequest });
      }
    }
  }
  memory = Object.fromEntries(names.map((name) => [name, systems[name].memory()]));
  for (const service of Object.values(systems)) await service.stop();

  /** Milliseconds a run of `run` takes, one after another, after 10 unmeasured. */
  const meanRunMs = async (run, runs = 50) => {
    for (let i = 0; i < 10; i++) await run();
    const started = performance.now();
    for (let i = 0; i < runs; i++) await run();
    return Number(((performance.now() - started) / runs).toFixed(2));
  };

  // Database time of the dashboard's own queries: its query classes, with a DataSource that
  // EXPLAIN ANALYZEs each statement before running it. The second pass is kept (warm cache).
  const profile = async (label, call) => {
    let timings = [];
    const recorder = {
      query: async (sql, params = []) => {
        // A prepared statement (`queryPrepared`) comes as an object with its text.
        const text = String(sql);
        const plan = (await env.db.query(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, params)).map((r) => r['QUERY PLAN']).join('\n');
        const timing = {
          query: text.replace(/\s+/g, ' ').trim().slice(0, 100),
          ms: Number(/Execution Time: ([\d.]+)/.exec(plan)?.[1]),
          planningMs: Number(/Planning Time: ([\d.]+)/.exec(plan)?.[1]),
          jit: /\nJIT:/.test(plan),
          // The overview's trend query carries a thousand account ids: keep the plan readable.
          plan: plan.replace(/'\{[^}]{200,}\}'/g, (ids) => `'{… ${ids.split(',').length} ids …}'`),
        };
        if (typeof sql === 'object') {
          // EXPLAIN plans the text anew; what preparing saves shows in the time of a run, sent
          // both ways from here (after 10 unmeasured runs: PostgreSQL keeps a generic plan after 5).
          timing.prepared = true;
          timing.unpreparedRunMs = await meanRunMs(() => env.db.query(text, params));
          timing.preparedRunMs = await meanRunMs(() => queryPrepared(env.db, text, params));
        }
        timings.push(timing);
        return env.db.query(sql, params);
      },
    };
    const accountsQuery = new AccountsReadModel({ tx: recorder });
    const alerts = new AlertsService(new AlertsReadModel({ tx: recorder }), new FeedbackClaimsRepository(host));
    // Who our own people are, as the dashboard's account page asks (the seed's reps are on sales.example).
    const audience = new AudienceBook(new AudienceRepository(host), { internalDomains: ['sales.example'], mailFrom: null });
    for (let pass = 0; pass < 2; pass++) {
      timings = [];
      // A new service each pass, so the second pass counts too instead of reusing the first's counts.
      await call(new AccountsService(accountsQuery, alerts, audience, new SupportNotesReadModel({ tx: recorder })), accountsQuery);
    }
    const total = timings.reduce((sum, t) => sum + t.ms + t.planningMs, 0);
    database.push({ what: label, totalMs: Number(total.toFixed(1)), queries: timings });
  };
  const asUser = async (name) => (await users.findByToken(tokens[name]));
  const adminUser = await asUser('admin');
  const leadUser = await asUser('lead');
  const overview = (user, query = {}) => (s) => s.page(user, parseAccountFilters(query, user), parseAccountPage(query));
  await profile(`overview, admin, ${DEFAULT_PAGE} rows`, overview(adminUser));
  await profile('overview, admin, 1,000 rows', overview(adminUser, { limit: '1000' }));
  await profile(`overview, admin, 11th page of ${DEFAULT_PAGE}`, overview(adminUser, { offset: String(10 * DEFAULT_PAGE) }));
  await profile(`overview, lead, ${DEFAULT_PAGE} rows`, overview(leadUser));
  await profile('overview, lead, 1,000 rows', overview(leadUser, { limit: '1000' }));
  await profile(`overview, admin, at risk or worse, ${DEFAULT_PAGE} rows`, overview(adminUser, { state: 'at_risk,firestorm' }));
  await profile(`overview, admin, by name, ${DEFAULT_PAGE} rows`, overview(adminUser, { sort: 'name' }));
  await profile('overview page filter options, lead', (_, q) => q.filterOptions(leadUser));
  await profile('overview page filter options, admin', (_, q) => q.filterOptions(adminUser));
  await profile(`account, median (${accountId(Math.floor(ACCOUNTS / 2))})`, (s) => s.detail(adminUser, accountId(Math.floor(ACCOUNTS / 2))));
  await profile(`account, biggest (${biggest[0].account_id}, ${biggest[0].cases} cases)`, (s) => s.detail(adminUser, biggest[0].account_id));
} finally {
  await env.close();
}

/** One table row per system, scenario and number of connections: medians over the rounds, ratios to the bare server. */
function summarise(connections, scenario) {
  const of = (system) => runs.filter((r) => r.scenario === scenario && r.system === system && r.concurrency === connections);
  const bareP50 = median(of('bare').map((r) => r.latencyMs.p50), 1);
  const bareRps = median(of('bare').map((r) => r.requestsPerSecond));
  return [...new Set(runs.map((r) => r.system))].map((system) => {
    const list = of(system);
    const p = (k) => median(list.map((r) => r.latencyMs[k]), 1);
    const rps = median(list.map((r) => r.requestsPerSecond));
    return {
      conns: connections,
      scenario,
      system,
      'req/s': rps,
      'p50 ms': p('p50'),
      'p95 ms': p('p95'),
      'p99 ms': p('p99'),
      'KB/resp': median(list.map((r) => r.kbPerResponse)),
      'CPU ms/req': median(list.map((r) => r.cpuMsPerRequest), 2),
      'load ms/req': median(list.map((r) => r.loadMsPerRequest), 2),
      'rest (PG) ms/req': median(list.map((r) => r.restMsPerRequest), 2),
      'p50 ÷ bare': Number((p('p50') / bareP50).toFixed(1)),
      'req/s ÷ bare': Number((rps / bareRps).toFixed(2)),
      ...(system !== 'bare' && scenario.startsWith('overview') ? { [`p95 < ${TARGET_P95_MS} ms`]: p('p95') < TARGET_P95_MS ? 'yes' : 'NO' } : {}),
    };
  });
}
const scenarios = [...new Set(runs.map((r) => r.scenario))];
const rows = [...new Set(LOADS)].flatMap((connections) => scenarios.flatMap((scenario) => summarise(connections, scenario)));
process.stdout.write(`\n${ACCOUNTS} accounts, ${CASES} cases; ${SECONDS} s per window; medians of ${ROUNDS} rounds at ${CONCURRENCY} connections, then 1 round at 1\n${table(rows)}\n`);
process.stdout.write(`\npeak RSS: ${Object.entries(memory).map(([name, m]) => `${name} ${m?.peakMb} MB`).join(', ')}\n`);
process.stdout.write(`\ndatabase time of the dashboard's queries (EXPLAIN ANALYZE, warm):\n${table(database.flatMap((d) => d.queries.map((q) => ({ what: d.what, ms: q.ms, 'plan ms': q.planningMs, 'a run: planned / prepared ms': q.prepared ? `${q.unpreparedRunMs} / ${q.preparedRunMs}` : '', jit: q.jit ? 'yes' : '', query: q.query.slice(0, 60) }))))}\n`);
saveResults(process.env.BENCH_RESULTS ?? 'dashboard', { machine: host, settings: { ACCOUNTS, CASES, SECONDS, CONCURRENCY, ROUNDS }, seed, picked, rows, memory, runs, database });
