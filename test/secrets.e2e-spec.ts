import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, TEST_KAFKA_BROKERS } from './support/paths';
import { freePort } from './support/services';

/** The development secret is public (it is in this repository): a process that would use it outside development refuses to start. */
describe('secrets fail closed', () => {
  const DEVELOPMENT_SECRET = 'forewarn-development-secret-do-not-use-in-production';

  /** Starts a service with exactly this environment (no NODE_ENV from jest) and waits for it to exit or to listen. */
  const start = async (app: string, env: Record<string, string>) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'dist/apps', app, 'src/main.js')], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', KAFKA_BROKERS: TEST_KAFKA_BROKERS, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/forewarn_secrets_never_created', LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', resolve);
      setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, 30_000).unref();
    });
    return { code, stderr };
  };

  it.each(['gateway', 'notifier', 'dashboard', 'account-health'])('%s with NODE_ENV unset and no FOREWARN_SECRET stops at once with one line naming the variable', async (app) => {
    const { code, stderr } = await start(app, { [`${app.toUpperCase().replace('-', '_')}_PORT`]: String(await freePort()) });
    expect(code).toBe(78);
    expect(stderr).toBe(`forewarn ${app}: invalid configuration: FOREWARN_SECRET is required (at least 32 random characters) unless NODE_ENV is development or test\n`);
  });

  it('refuses the public development secret in production', async () => {
    const { code, stderr } = await start('gateway', { NODE_ENV: 'production', FOREWARN_SECRET: DEVELOPMENT_SECRET, GATEWAY_PORT: String(await freePort()) });
    expect(code).toBe(78);
    expect(stderr).toContain('FOREWARN_SECRET is the public development secret');
  });
});
