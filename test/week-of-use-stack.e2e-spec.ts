import { type MailSink, startMailSink } from '@forewarn/devstack';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { REPO_ROOT, TEST_KAFKA_BROKERS } from './support/paths';
import { eventually, freePort, testTag } from './support/services';

/**
 * An operator runs `forewarn start` against the company's SMTP relay while the relay is down: the
 * stack comes up anyway, says that mail waits for the relay, and says so again when it is back.
 */
describe('forewarn start while the SMTP relay is down', () => {
  const tag = testTag('stack');
  const database = `forewarn_test_${tag}`.toLowerCase();
  const cacheDir = mkdtempSync(join(tmpdir(), 'forewarn-stack-e2e-'));
  let stack: ChildProcess;
  let output = '';
  let relay: MailSink | null = null;
  let relayPort: number;

  afterAll(async () => {
    if (stack && stack.exitCode === null && stack.signalCode === null) {
      const exited = new Promise((resolve) => stack.once('exit', resolve));
      stack.kill('SIGKILL');
      await exited;
    }
    await relay?.stop();
    const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).finally(() => admin.end());
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('comes up, prints the banner and says SMTP is unreachable and mail waits; says so when the relay is back; stops on Ctrl-C', async () => {
    relayPort = await freePort();
    const [dashboard, gateway, health, notifier] = [await freePort(), await freePort(), await freePort(), await freePort()];
    stack = spawn(process.execPath, [join(REPO_ROOT, 'dist/apps/forewarn/src/main.js'), 'start', '--no-demo'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        KAFKA_BROKERS: TEST_KAFKA_BROKERS,
        FOREWARN_TOPIC_PREFIX: `test.${tag}.`,
        DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${database}`,
        SMTP_URL: `smtp://relay-user:relay-password@127.0.0.1:${relayPort}`,
        FOREWARN_CACHE_DIR: cacheDir,
        PUBLIC_URL: `http://localhost:${dashboard}`,
        DASHBOARD_PORT: String(dashboard), GATEWAY_PORT: String(gateway), ACCOUNT_HEALTH_PORT: String(health), NOTIFIER_PORT: String(notifier),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    stack.stdout?.on('data', (chunk) => (output += chunk));
    stack.stderr?.on('data', (chunk) => (output += chunk));

    await eventually('the banner', async () => {
      if (stack.exitCode !== null) throw new Error(`forewarn start exited with code ${stack.exitCode}:\n${output}`);
      return output.includes('Forewarn is running.');
    }, { timeoutMs: 120_000, intervalMs: 500 });
    expect(output).toContain(`SMTP at smtp://relay-user:***@127.0.0.1:${relayPort} is unreachable: mail waits until it answers`);
    expect(output).not.toContain('relay-password');
    expect((await fetch(`http://127.0.0.1:${dashboard}/healthz`)).status).toBe(200);

    relay = await startMailSink({ smtpPort: relayPort, httpPort: 0 });
    await eventually('the line saying the relay is back', async () => output.includes(`SMTP at smtp://relay-user:***@127.0.0.1:${relayPort} answers again`), { timeoutMs: 60_000, intervalMs: 500 });

    const exited = new Promise<number | null>((resolve) => stack.once('exit', (code) => resolve(code)));
    stack.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('stopped');
    expect(output).not.toContain('stopping Kafka'); // the shared broker was running before; it stays
  });
});
