import { openDatabase } from '@forewarn/database';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { REPO_ROOT } from './paths';

/** A service's Node.js options, from the compiled node-args as the services are: they name a file beside it (the tracing register). */
const nodeArgsFor = (name: AppName): string[] =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built file, loaded when a service starts (integration tests build nothing)
  (require(join(REPO_ROOT, 'dist/libs/service-kit/src/node-args.js')) as typeof import('../../libs/service-kit/src/node-args')).nodeArgsFor(name);

export type AppName = 'gateway' | 'account-health' | 'notifier' | 'dashboard';

const PORT_VARIABLE: Record<AppName, string> = {
  gateway: 'GATEWAY_PORT',
  'account-health': 'ACCOUNT_HEALTH_PORT',
  notifier: 'NOTIFIER_PORT',
  dashboard: 'DASHBOARD_PORT',
};

/** A short unique tag for a test's topic prefix and database name. */
export function testTag(name: string): string {
  return `${name.replace(/[^a-z0-9]/gi, '').toLowerCase().slice(0, 12)}_${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface TestDatabase {
  url: string;
  db: DataSource;
  drop(): Promise<void>;
}

/** A database of the test's own, created and migrated; `drop()` removes it. */
/** A database of the test's own, on the machine's PostgreSQL unless `server` (host:port) says otherwise. */
export async function createTestDatabase(tag: string, server = '127.0.0.1:5432'): Promise<TestDatabase> {
  const name = `forewarn_test_${tag}`.toLowerCase();
  const url = `postgres://postgres@${server}/${name}`;
  const db = await openDatabase(url, { poolSize: 3, applicationName: 'forewarn-test' });
  return {
    url,
    db,
    async drop() {
      if (db.isInitialized) await db.destroy();
      const admin = new Client({ connectionString: `postgres://postgres@${server}/postgres` });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).finally(() => admin.end());
    },
  };
}

export interface RunningService {
  name: AppName;
  port: number;
  url: string;
  child: ChildProcess;
  logs(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts one compiled service (dist/) as a real process on a free port and waits for /healthz. */
export async function startService(name: AppName, env: NodeJS.ProcessEnv): Promise<RunningService> {
  const port = await freePort();
  const output: string[] = [];
  const child = spawn(process.execPath, [...nodeArgsFor(name), join(REPO_ROOT, 'dist/apps', name, 'src/main.js')], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, [PORT_VARIABLE[name]]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    // FOREWARN_E2E_LOGS=1 shows every service's output while the tests run.
    if (process.env.FOREWARN_E2E_LOGS) process.stderr.write(`[${name}] ${chunk.toString('utf8')}`);
    output.push(chunk.toString('utf8'));
    if (output.length > 2000) output.splice(0, output.length - 2000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const service: RunningService = {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    child,
    logs: () => output.join(''),
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  await eventually(`${name} /healthz`, async () => {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}:\n${service.logs()}`);
    return (await fetch(`${service.url}/healthz`)).ok;
  }, { timeoutMs: 60_000 });
  return service;
}

/** Polls until `check` returns something truthy; fails with what it was waiting for. */
export async function eventually<T>(what: string, check: () => Promise<T | null | undefined | false>, { timeoutMs = 30_000, intervalMs = 250 } = {}): Promise<T> {
  const until = Date.now() + timeoutMs;
  let lastError: unknown = null;
  while (Date.now() < until) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      if ((error as Error).message.includes('exited with code')) throw error;
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
