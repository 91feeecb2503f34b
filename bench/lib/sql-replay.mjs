// The PostgreSQL-only limit baseline: replays what bench/lib/sql-recorder.cjs recorded, statement
// by statement in the order they completed, each on its own recorded connection, into a fresh
// database. Each statement waits for the one before it, but no longer than BLOCKED_MS: two
// statements that completed at the same moment may be recorded in either order, and one may have
// been waiting for the other's COMMIT (a lock), which then has to go first. Everything before `timedFrom` (the migrations, the start-up reads) runs untimed; the
// rest is loaded into memory first, so the timed part does no Node work but the pg client's.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import pg from 'pg';

const BLOCKED_MS = 20;

export async function replaySql(file, databaseUrl, { timedFrom, cpuSeconds = () => 0 }) {
  const untimed = [];
  const timed = [];
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (!line) continue;
    const statement = JSON.parse(line);
    if (statement.failed) continue; // what failed changed nothing; its transaction's ROLLBACK is recorded
    (timed.length > 0 || timedFrom.test(statement.q) ? timed : untimed).push(statement);
  }
  const clients = new Map();
  const clientOf = async (c) => {
    if (!clients.has(c)) {
      const client = new pg.Client({ connectionString: databaseUrl, application_name: 'forewarn-limit-replay' });
      client.on('error', () => undefined);
      await client.connect();
      clients.set(c, client);
    }
    return clients.get(c);
  };
  let errors = 0;
  let blocked = 0;
  let firstError = null;
  const run = async (statements) => {
    let previous = Promise.resolve();
    const last = new Map(); // each connection's latest statement (pg runs a connection's statements in order)
    for (const { c, q, v } of statements) {
      const client = await clientOf(c);
      let timer;
      const waited = await Promise.race([previous.then(() => false), new Promise((resolve) => { timer = setTimeout(resolve, BLOCKED_MS, true); })]);
      clearTimeout(timer);
      if (waited) blocked += 1;
      previous = client.query(q, v).then(() => undefined, (error) => {
        errors += 1;
        firstError ??= `${error.message} in ${q.replace(/\s+/g, ' ').slice(0, 120)}`;
      });
      last.set(c, previous);
    }
    await Promise.all(last.values());
  };
  try {
    await run(untimed); // its failures (e.g. the service creating its database, which exists here) do not count
    errors = 0;
    firstError = null;
    blocked = 0;
    const connections = new Set(timed.map((s) => s.c));
    for (const c of connections) await clientOf(c); // connected before the clock starts
    const cpuBefore = cpuSeconds();
    const startedAt = process.hrtime.bigint();
    await run(timed);
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    const cpu = cpuSeconds() - cpuBefore;
    const kinds = new Map();
    for (const { q } of timed) {
      const kind = q.replace(/\s+/g, ' ').trim().slice(0, 60);
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    const byKind = [...kinds].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([statement, count]) => ({ count, statement }));
    return { byKind, blocked, seconds, cpuSeconds: Number(cpu.toFixed(2)), statements: timed.length, untimedStatements: untimed.length, connections: connections.size, errors, firstError };
  } finally {
    await Promise.all([...clients.values()].map((client) => client.end().catch(() => undefined)));
  }
}
