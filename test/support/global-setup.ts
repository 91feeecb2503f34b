import { ensureKafka } from '../../libs/devstack/src';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Client } from 'pg';
import { REPO_ROOT, TEST_KAFKA_BROKERS } from './paths';

/**
 * Before the end-to-end tests: a real PostgreSQL, a real Kafka (started from the pinned jars if
 * none answers), and Debian's Chromium for the browser tests. `npm test` built dist/ already.
 */
export default async function globalSetup(): Promise<void> {
  const log = (msg: string) => process.stderr.write(`[e2e setup] ${msg}\n`);
  await ensurePostgres(log);
  ensureChromium(log);
  ensureDockerCompose(log);
  ensurePromtool(log);
  const kafka = await ensureKafka({ brokers: TEST_KAFKA_BROKERS, repoRoot: REPO_ROOT, log });
  (globalThis as { __forewarnKafka?: typeof kafka }).__forewarnKafka = kafka;
}

async function postgresAnswers(): Promise<boolean> {
  const client = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres', connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function ensurePostgres(log: (msg: string) => void): Promise<void> {
  if (await postgresAnswers()) return;
  log('PostgreSQL is not answering at 127.0.0.1:5432; starting the local cluster');
  const version = execFileSync('ls', ['/etc/postgresql'], { encoding: 'utf8' }).trim().split('\n')[0];
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], { stdio: 'inherit' });
  if (!(await postgresAnswers())) throw new Error('PostgreSQL is still not answering at 127.0.0.1:5432');
}

function ensureChromium(log: (msg: string) => void): void {
  if (existsSync('/usr/bin/chromium')) return;
  if (process.getuid?.() !== 0) throw new Error('the browser tests need Debian chromium: run `sudo apt-get install -y chromium`');
  log('installing Debian chromium for the browser tests (first run only)');
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/**
 * Debian's docker-compose parses and validates a compose file without a Docker engine
 * (`docker-compose config`), for the container test; its python3-yaml reads the result.
 */
function ensureDockerCompose(log: (msg: string) => void): void {
  if (existsSync('/usr/bin/docker-compose')) return;
  if (process.getuid?.() !== 0) throw new Error('the container test needs Debian docker-compose: run `sudo apt-get install -y --no-install-recommends docker-compose`');
  log('installing Debian docker-compose for the container test (first run only)');
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'docker-compose'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** Debian's prometheus package brings promtool, which checks and tests docker/prometheus/ (the observability test). */
function ensurePromtool(log: (msg: string) => void): void {
  if (existsSync('/usr/bin/promtool')) return;
  if (process.getuid?.() !== 0) throw new Error('the observability test needs promtool: run `sudo apt-get install -y --no-install-recommends prometheus`');
  log('installing Debian prometheus (for promtool) for the observability test (first run only)');
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'prometheus'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}
