#!/usr/bin/env node
// Baseline for the dashboard benchmark: the least a JSON API can do to answer the same two
// questions from the same tables. Plain node:http and pg (a pool of 8, like the dashboard's), one
// query each, the simplest SQL an index answers well, JSON.stringify. No auth,
// visibility, trend, next meeting, timeline, alerts or history.
//
//   GET /api/accounts[?team=&state=a,b&limit=n]  the 1,000 (or n) lowest scores, with the account's name and owner
//   GET /api/accounts/:id                the account, its health and its open cases
import { createServer } from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 8, application_name: 'forewarn-bench-bare' });
// The index its "lowest scores" answer needs. Forewarn's schema dropped its own (`account_health_risk`,
// migration OverviewRiskOrder1765190000000: the overview reads the at-risk indexes); the baseline keeps it.
await pool.query('CREATE INDEX IF NOT EXISTS bare_account_health_by_score ON health.account_health (score, account_id)');

async function overview(query) {
  const params = [];
  const where = [];
  if (query.get('team')) {
    params.push(query.get('team'));
    where.push(`a.team = $${params.length}`);
  }
  if (query.get('state')) {
    params.push(query.get('state').split(','));
    where.push(`h.state = ANY($${params.length}::text[])`);
  }
  const { rows } = await pool.query(
    `SELECT a.id, a.name, a.owner_name, a.owner_email, a.team, h.state, h.score, h.open_cases, h.open_escalations, h.updated_at
     FROM health.account_health h JOIN health.accounts a ON a.id = h.account_id
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY h.score, h.account_id LIMIT $${params.length + 1}`,
    [...params, Math.min(1000, Number(query.get('limit') ?? 1000))],
  );
  return rows;
}

async function account(id) {
  const [accounts, cases] = await Promise.all([
    pool.query(`SELECT a.*, h.score, h.state, h.reasons, h.open_cases, h.open_escalations FROM health.accounts a LEFT JOIN health.account_health h ON h.account_id = a.id WHERE a.id = $1`, [id]),
    pool.query(`SELECT id, title, url, severity, status, escalation_level, product, assignee, opened_at, last_activity_at FROM health.cases WHERE account_id = $1 AND is_open ORDER BY severity, id LIMIT 100`, [id]),
  ]);
  return accounts.rows[0] ? { ...accounts.rows[0], cases: cases.rows } : null;
}

const send = (res, status, body) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://bare');
  try {
    if (url.pathname === '/healthz') return send(res, 200, { status: 'ok' });
    if (url.pathname === '/api/accounts') return send(res, 200, await overview(url.searchParams));
    const id = /^\/api\/accounts\/([^/]+)$/.exec(url.pathname)?.[1];
    if (id) {
      const found = await account(decodeURIComponent(id));
      return found ? send(res, 200, found) : send(res, 404, { error: 'not found' });
    }
    send(res, 404, { error: 'not found' });
  } catch (error) {
    send(res, 500, { error: String(error) });
  }
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
const stop = async () => {
  server.close();
  await pool.end();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
