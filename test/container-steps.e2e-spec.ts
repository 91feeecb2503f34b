import { topicsFor } from '@forewarn/contracts';
import { type MailSink, startMailSink } from '@forewarn/devstack';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyBuildContext, parseDockerfile, performDockerfile, run, type Stage, stepEnv } from './support/image-steps';
import { REPO_ROOT, TEST_KAFKA_BROKERS } from './support/paths';
import { createTestDatabase, eventually, freePort, type TestDatabase, testTag } from './support/services';

/**
 * What `docker compose up --build` does, without a Docker engine (none runs here): the steps of
 * docker/Dockerfile performed in a scratch copy of the build context, with the node on PATH
 * standing in for the FROM image's; the image's start command run for each service against the
 * tests' Kafka and a database of its own; compose's one-shot `topics` and `bootstrap` steps; and
 * docker/compose.yaml parsed and validated by Debian's docker-compose.
 */

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  secrets?: unknown[];
  volumes?: unknown[];
}

const APPS = ['account-health', 'notifier', 'gateway', 'dashboard'] as const;
type App = (typeof APPS)[number];
const PORT_VARIABLE: Record<App, string> = { gateway: 'GATEWAY_PORT', 'account-health': 'ACCOUNT_HEALTH_PORT', notifier: 'NOTIFIER_PORT', dashboard: 'DASHBOARD_PORT' };

/** docker/compose.yaml as `docker-compose config` resolves it (anchors merged, variables set), as JSON. */
async function composeConfig(env: Record<string, string>): Promise<{ services: Record<string, ComposeService>; volumes?: Record<string, unknown> }> {
  const config = await run('docker-compose', ['-f', 'docker/compose.yaml', 'config'], { cwd: REPO_ROOT, env: { PATH: process.env.PATH, ...env } });
  if (config.code !== 0) throw new Error(`docker-compose config failed:\n${config.stderr}`);
  const json = await new Promise<string>((resolve, reject) => {
    const python = spawn('python3', ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    python.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    python.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`python3 yaml exited ${code}`))));
    python.stdin.end(config.stdout);
  });
  return JSON.parse(json);
}

describe('Docker: the image builds from its Dockerfile, every service starts ready, the admin signs in', () => {
  const tag = testTag('container');
  const prefix = `test.${tag}.`;
  const secret = randomBytes(36).toString('base64url');
  const adminEmail = `admin.${tag}@ops.example`;
  const adminPassword = `pw-${randomBytes(9).toString('base64url')}-staple`;
  const scratch = mkdtempSync(join(tmpdir(), 'forewarn-image-'));
  const passwordFile = join(scratch, 'admin-password');
  const composeEnv = { FOREWARN_SECRET: secret, FOREWARN_ADMIN_EMAIL: adminEmail, FOREWARN_ADMIN_PASSWORD_FILE: passwordFile };
  const services = new Map<App, { port: number; child: ChildProcess; output: string[]; startLog: string }>();
  const timings: string[] = [];
  let compose: Awaited<ReturnType<typeof composeConfig>>;
  let image: Stage;
  let database: TestDatabase;
  let sink: MailSink;
  let env: Record<string, string>;

  const note = (line: string) => process.stderr.write(`[container] ${line}\n`);
  const time = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    const began = Date.now();
    const result = await work();
    timings.push(`${what} ${((Date.now() - began) / 1000).toFixed(1)} s`);
    return result;
  };
  /** A compose one-shot service's command, run in the image as compose would run it. */
  const oneShot = (service: string, extra: Record<string, string> = {}) => {
    const [command, ...args] = compose.services[service].command ?? [];
    return run(command, args, { cwd: join(image.root, image.workdir), env: stepEnv(image.env, { ...env, ...extra }), timeoutMs: 120_000 });
  };

  beforeAll(async () => {
    writeFileSync(passwordFile, `${adminPassword}\n`, { mode: 0o600 });
    compose = await composeConfig(composeEnv);

    const contextDir = join(scratch, 'context');
    const sent = await time('context', async () => copyBuildContext(REPO_ROOT, contextDir));
    expect(sent).toEqual(expect.arrayContaining(['package-lock.json', 'apps/gateway/src/main.ts', 'libs/config/src/config.ts']));
    expect(sent.filter((path) => /^(node_modules|dist|test|docker|\.git)\b|\.spec\.ts$/.test(path))).toEqual([]);

    const instructions = parseDockerfile(readFileSync(join(REPO_ROOT, 'docker/Dockerfile'), 'utf8'));
    const stages = await time('image steps', () => performDockerfile(instructions, contextDir, join(scratch, 'stages'), note));
    image = stages[stages.length - 1];

    database = await createTestDatabase(tag);
    sink = await startMailSink({ smtpPort: 0, httpPort: 0 });
    env = {
      KAFKA_BROKERS: TEST_KAFKA_BROKERS,
      FOREWARN_TOPIC_PREFIX: prefix,
      DATABASE_URL: database.url,
      SMTP_URL: `smtp://127.0.0.1:${sink.smtpPort}`,
      FOREWARN_SECRET: secret,
    };

    const topics = await time('topics step', () => oneShot('topics'));
    expect(topics.code).toBe(0);
    expect(JSON.parse(topics.stdout).topics).toEqual(Object.values(topicsFor(prefix)));

    await time('services ready', async () => {
      for (const app of APPS) {
        const port = await freePort();
        const output: string[] = [];
        // The image's start command, with APP and the port as compose sets them; NODE_ENV and the rest from the image's ENV.
        const cmd = image.cmd?.shell ? ['sh', '-c', image.cmd.shell] : (image.cmd?.exec ?? []);
        const child = spawn(cmd[0], cmd.slice(1), { cwd: join(image.root, image.workdir), env: stepEnv(image.env, { ...env, APP: app, [PORT_VARIABLE[app]]: String(port) }), stdio: ['ignore', 'pipe', 'pipe'] });
        child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
        child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
        services.set(app, { port, child, output, startLog: '' });
      }
      for (const [app, service] of services) {
        await eventually(`${app} /readyz`, async () => {
          if (service.child.exitCode !== null) throw new Error(`${app} exited with code ${service.child.exitCode}:\n${service.output.join('')}`);
          return (await fetch(`http://127.0.0.1:${service.port}/readyz`)).status === 200;
        }, { timeoutMs: 120_000 });
      }
      for (const service of services.values()) service.startLog = service.output.join('');
    });
  }, 1_200_000);

  afterAll(async () => {
    await Promise.all([...services.values()].map(({ child }) => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    })));
    await sink?.stop();
    await database?.drop();
    rmSync(scratch, { recursive: true, force: true });
    note(`runtime: ${timings.join(', ')}`);
  });

  it('runs every service from the image’s start command in production mode, each answering /readyz 200', async () => {
    expect(image.env.NODE_ENV).toBe('production');
    expect(image.cmd?.shell ?? image.cmd?.exec?.join(' ')).toContain('$APP');
    for (const [app, { port }] of services) {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect({ app, status: ready.status }).toEqual({ app, status: 200 });
    }
  });

  it('starts calmly: at the default log level no warning, no error and no route map', () => {
    for (const [app, { startLog }] of services) {
      const lines = startLog.split('\n').filter(Boolean);
      const loud = lines.filter((line) => {
        try {
          return (JSON.parse(line) as { level: number }).level >= 40;
        } catch {
          return true; // every line of a service is JSON; anything else is a crash or a stray print
        }
      });
      expect({ app, loud, routeMaps: lines.filter((line) => line.includes('Mapped {')) }).toEqual({ app, loud: [], routeMaps: [] });
      expect(lines.length).toBeLessThanOrEqual(4);
      expect(startLog).toContain(`${app} listening`);
    }
  });

  it('creates the admin from the password file once, never printing it, and the admin signs in to the dashboard', async () => {
    const first = await oneShot('bootstrap', { FOREWARN_ADMIN_EMAIL: adminEmail, FOREWARN_ADMIN_PASSWORD_FILE: passwordFile });
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ email: adminEmail, role: 'admin', created: true });
    const again = await oneShot('bootstrap', { FOREWARN_ADMIN_EMAIL: adminEmail, FOREWARN_ADMIN_PASSWORD_FILE: passwordFile });
    expect(JSON.parse(again.stdout)).toEqual({ email: adminEmail, role: 'admin', created: false });
    for (const output of [first.stdout, first.stderr, again.stdout, again.stderr]) {
      expect(output).not.toContain(adminPassword);
      expect(output).not.toMatch(/fw_usr_/);
    }

    const dashboard = `http://127.0.0.1:${services.get('dashboard')?.port}`;
    const login = await fetch(`${dashboard}/login`, {
      method: 'POST', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: dashboard },
      body: new URLSearchParams({ email: adminEmail, password: adminPassword, next: '/' }).toString(),
    });
    const session = /fw_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
    expect({ status: login.status, session: Boolean(session) }).toEqual({ status: 303, session: true });
    const overview = await fetch(`${dashboard}/`, { headers: { cookie: `fw_session=${session}` } });
    expect(overview.status).toBe(200);
    const page = await overview.text();
    expect(page).toContain('Administrator');
    expect(page).toContain('Sign out');
  });

  it('has a compose file that parses, where every service waits for the topics and has a health check that passes', async () => {
    const apps = Object.entries(compose.services).filter(([, service]) => service.environment?.APP !== undefined);
    expect(apps.map(([name]) => name).sort()).toEqual([...APPS].sort());
    for (const [name, service] of apps) {
      expect({ name, topics: service.depends_on?.topics?.condition }).toEqual({ name, topics: 'service_completed_successfully' });
      const test = service.healthcheck?.test ?? [];
      expect({ name, test: test.slice(0, 3) }).toEqual({ name, test: ['CMD', 'node', '-e'] });
      // The same check, pointed at the port this test gave the service.
      const script = test[3].replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${services.get(name as App)?.port}`);
      expect({ name, exit: (await run('node', ['-e', script], { cwd: scratch, env: stepEnv({}) })).code }).toEqual({ name, exit: 0 });
    }
    expect(compose.services.topics.command).toEqual(['node', 'dist/apps/forewarn/src/main.js', 'topics']);
    expect(compose.services.bootstrap.secrets).toHaveLength(1);
    expect(compose.services.bootstrap.environment?.FOREWARN_ADMIN_EMAIL).toBe(adminEmail);
    expect(compose.services.kafka.volumes).toHaveLength(1);
    expect(Object.keys(compose.volumes ?? {})).toEqual(expect.arrayContaining(['kafka-data', 'pg-data']));
    // Every image pinned to an exact version: the base images and every third-party service.
    const images = [...parseDockerfile(readFileSync(join(REPO_ROOT, 'docker/Dockerfile'), 'utf8')).flatMap((i) => (i.kind === 'FROM' ? [i.image] : [])),
      ...Object.values(compose.services).map((s) => s.image).filter((i): i is string => !!i && i !== 'forewarn:local')];
    for (const ref of images) expect({ ref, pinned: /:v?\d+\.\d+(\.\d+)?[^:]*(@sha256:[0-9a-f]{64})?$/.test(ref) }).toEqual({ ref, pinned: true });
  });

  it('starts with LOG_FORMAT=pretty too, logging JSON lines and saying once why (pino-pretty is not in the image)', async () => {
    const port = await freePort();
    const cmd = image.cmd?.shell ? ['sh', '-c', image.cmd.shell] : (image.cmd?.exec ?? []);
    const child = spawn(cmd[0], cmd.slice(1), { cwd: join(image.root, image.workdir), env: stepEnv(image.env, { ...env, APP: 'gateway', LOG_FORMAT: 'pretty', GATEWAY_PORT: String(port) }), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    try {
      await eventually('gateway /readyz with LOG_FORMAT=pretty', async () => {
        if (child.exitCode !== null) throw new Error(`gateway exited with code ${child.exitCode}:\n${output}`);
        return (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200;
      }, { timeoutMs: 60_000 });
    } finally {
      child.kill('SIGTERM');
    }
    const lines = output.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(lines.filter((line) => line.level >= 40).map((line) => line.msg)).toEqual(['LOG_FORMAT=pretty needs pino-pretty, a development dependency that this installation lacks; logging JSON lines']);
  });

  it('refuses to start a service without a real secret in production', async () => {
    const [command, ...args] = image.cmd?.shell ? ['sh', '-c', image.cmd.shell] : (image.cmd?.exec ?? []);
    const refused = await run(command, args, { cwd: join(image.root, image.workdir), env: stepEnv(image.env, { ...env, APP: 'gateway', FOREWARN_SECRET: 'too-short', GATEWAY_PORT: String(await freePort()) }), timeoutMs: 60_000 });
    expect(refused.code).toBe(78);
    expect(refused.stderr).toContain('FOREWARN_SECRET must be at least 32 characters');
  });
});
