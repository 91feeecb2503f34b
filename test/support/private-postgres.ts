import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './services';

const run = promisify(execFile);

/** Where Debian keeps PostgreSQL 15's server programs (PG_BINDIR overrides). */
const BIN = process.env.PG_BINDIR ?? '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL server of the test's own, in a temporary directory on a free port, that the test
 * may stop and start — the machine's server is shared with every other test run. PostgreSQL
 * refuses to run as root, so as root it runs as the `postgres` user.
 */
export interface PrivatePostgres {
  /** host:port */
  address: string;
  start(): Promise<void>;
  /** A fast shutdown: every connection is terminated, as when the server is restarted. */
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const asRoot = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), 'forewarn-pg-'));
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const pg = (program: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(BIN, program), ...args]) : run(join(BIN, program), args);
  const port = await freePort();
  const data = join(dir, 'data');
  await pg('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
  const server: PrivatePostgres = {
    address: `127.0.0.1:${port}`,
    start: async () => void (await pg('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start'])),
    stop: async () => void (await pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop'])),
    destroy: async () => {
      await server.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
