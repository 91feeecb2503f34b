import { ConsoleLogger } from '@nestjs/common';
import { type BaseConfig, topicRetentionDays } from '@forewarn/config';
import { topicsFor } from '@forewarn/contracts';
import { createDataSource, DashboardDataModule, ensureDatabase, GatewayDataModule, runMigrations, UsersRepository } from '@forewarn/database';
import { ensureKafka, type LocalKafka, type MailSink, startMailSink } from '@forewarn/devstack';
import { createKafka, ensureTopics } from '@forewarn/messaging';
import { nodeArgsFor } from '@forewarn/service-kit';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { DataSource } from 'typeorm';
import { withApp } from '../cli-support';
import { loadDemo } from './demo-loader';
import { repoRoot } from './repo-root';

const SERVICES = [
  { name: 'gateway', portVar: 'GATEWAY_PORT', port: 3001 },
  { name: 'account-health', portVar: 'ACCOUNT_HEALTH_PORT', port: 3002 },
  { name: 'notifier', portVar: 'NOTIFIER_PORT', port: 3003 },
  { name: 'dashboard', portVar: 'DASHBOARD_PORT', port: 3000 },
] as const;

const DEV_SMTP_PORT = 1025;
const DEV_MAIL_HTTP_PORT = 1080;
const READY_TIMEOUT_MS = 180_000;
/** How often the stack asks the notifier whether SMTP answers, to say when it comes and goes. */
const SMTP_WATCH_MS = 5_000;
const COLOURS = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m'];

export interface StackOptions {
  demo: boolean;
  config: BaseConfig;
  env: NodeJS.ProcessEnv;
}

interface Running {
  name: string;
  child: ChildProcess;
  port: number;
}

/**
 * `npm start`: everything a newcomer needs on one machine, in the foreground. Starts Kafka only
 * when none answers, the mail sink only when SMTP_URL is not set, creates and migrates the
 * database, runs the four services, loads the demo, and stops all of it on Ctrl-C.
 */
export class LocalStack {
  // The stack's own lines at log level; Nest's start-up narration of the commands it runs stays at the CLI's quiet level.
  private readonly logger = new ConsoleLogger('stack', { logLevels: ['log', 'warn', 'error'] });
  private readonly root = repoRoot();
  private kafka: LocalKafka | null = null;
  private sink: MailSink | null = null;
  private db: DataSource | null = null;
  private readonly services: Running[] = [];
  private stopping: Promise<void> | null = null;
  private smtpWatch: NodeJS.Timeout | null = null;

  constructor(private readonly options: StackOptions) {}

  async start(): Promise<void> {
    const { config, env } = this.options;
    const began = Date.now();
    const step = (msg: string) => this.logger.log(msg);

    step(`PostgreSQL: ${redact(config.DATABASE_URL)}`);
    await ensureDatabase(config.DATABASE_URL);
    this.db = createDataSource(config.DATABASE_URL, { poolSize: 2, applicationName: 'forewarn-stack' });
    await this.db.initialize();
    const applied = await runMigrations(this.db);
    if (applied.length) step(`applied migrations: ${applied.join(', ')}`);

    const cacheDir = config.FOREWARN_CACHE_DIR ?? join(homedir(), '.cache', 'forewarn');
    this.kafka = await ensureKafka({ brokers: config.KAFKA_BROKERS.join(','), repoRoot: this.root, cacheDir, log: step });
    step(this.kafka.started ? `Kafka started at ${this.kafka.brokers}` : `using the Kafka already running at ${config.KAFKA_BROKERS.join(',')}`);
    const topics = await ensureTopics(createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'forewarn-stack' }), config.FOREWARN_TOPIC_PREFIX, topicRetentionDays(config));
    if (topics.created.length) step(`created topics: ${topics.created.join(', ')}`);
    if (topics.retentionChanged.length) step(`set the retention of: ${topics.retentionChanged.join(', ')}`);

    // The local stack is development unless the operator says otherwise: the development secret and pages.
    const serviceEnv: NodeJS.ProcessEnv = { ...env, NODE_ENV: env.NODE_ENV || 'development', LOG_FORMAT: env.LOG_FORMAT ?? 'pretty' };
    if (!env.SMTP_URL) {
      // Kept in the cache folder, so a restart of the stack forgets no mail (the newest 500, at most 50 MB).
      this.sink = await startMailSink({ smtpPort: DEV_SMTP_PORT, httpPort: DEV_MAIL_HTTP_PORT, dir: join(cacheDir, 'mail-sink') });
      serviceEnv.SMTP_URL = `smtp://127.0.0.1:${this.sink.smtpPort}`;
      serviceEnv.DEV_MAIL_URL = `http://127.0.0.1:${this.sink.httpPort}`;
      // With the development sink, show demo mails at any hour instead of holding them till morning.
      serviceEnv.NOTIFY_QUIET_HOURS ??= 'off';
      step(`development mail sink: SMTP on 127.0.0.1:${this.sink.smtpPort}`);
    }

    SERVICES.forEach((service, index) => this.spawnService(service, serviceEnv, COLOURS[index]));
    // SMTP down means mail waits (the notifier retries), not that the stack cannot run.
    await Promise.all(this.services.map((s) => this.waitReady(s, s.name === 'notifier')));
    const smtpUp = (await this.smtpState()) !== 'down';
    step(`all four services are ready (${((Date.now() - began) / 1000).toFixed(1)} s)${smtpUp ? '' : ', SMTP aside'}`);

    const login = this.options.demo ? await this.loadDemo() : await this.adminLogin();
    this.printBanner(login, serviceEnv, smtpUp);
    this.watchSmtp(redact(serviceEnv.SMTP_URL ?? ''), smtpUp);
  }

  /** What the notifier's `/readyz` says of SMTP: `up`, `down`, or `unknown` when it does not answer. */
  private async smtpState(): Promise<'up' | 'down' | 'unknown'> {
    const notifier = this.services.find((s) => s.name === 'notifier') as Running;
    const report = await readiness(notifier.port);
    return report?.dependencies.smtp ?? 'unknown';
  }

  /** Says when SMTP becomes reachable again (and when it is lost), from the notifier's `/readyz`. */
  private watchSmtp(url: string, up: boolean): void {
    let last: 'up' | 'down' = up ? 'up' : 'down';
    this.smtpWatch = setInterval(() => {
      void this.smtpState().then((state) => {
        if (state === 'unknown' || state === last || this.stopping) return;
        last = state;
        if (state === 'up') this.logger.log(`SMTP at ${url} answers again: waiting mail goes out now`);
        else this.logger.warn(`SMTP at ${url} is unreachable: mail waits until it answers`);
      });
    }, SMTP_WATCH_MS);
    this.smtpWatch.unref();
  }

  private spawnService(service: (typeof SERVICES)[number], env: NodeJS.ProcessEnv, colour: string): void {
    const port = Number(env[service.portVar] ?? service.port);
    const child = spawn(process.execPath, [...nodeArgsFor(service.name), join(this.root, 'dist/apps', service.name, 'src/main.js')], {
      cwd: this.root,
      env: { ...env, [service.portVar]: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const prefix = `${colour}${service.name.padEnd(14)}\x1b[0m│ `;
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => process.stderr.write(`${prefix}${line}\n`));
    }
    child.on('exit', (code, signal) => {
      if (this.stopping) return;
      this.logger.error(`${service.name} exited unexpectedly (${signal ?? `code ${code}`}); stopping the stack`);
      void this.stop().then(() => process.exit(1));
    });
    this.services.push({ name: service.name, child, port });
  }

  /** Waits for `/readyz`; with `smtpMayBeDown`, a service whose only missing dependency is SMTP counts as ready. */
  private async waitReady(service: Running, smtpMayBeDown: boolean): Promise<void> {
    const until = Date.now() + READY_TIMEOUT_MS;
    let down: string[] = [];
    while (Date.now() < until) {
      if (this.stopping) throw new Error('stopped while starting');
      const report = await readiness(service.port);
      if (report) {
        down = Object.entries(report.dependencies).filter(([, state]) => state !== 'up').map(([name]) => name);
        if (report.ready || (smtpMayBeDown && down.length === 1 && down[0] === 'smtp')) return;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const which = down.length ? `; not reachable: ${down.join(', ')}` : '';
    throw new Error(`${service.name} was not ready within ${READY_TIMEOUT_MS / 1000} s${which} (see its log lines above)`);
  }

  private async loadDemo(): Promise<{ email: string; password: string; note: string }> {
    const gateway = this.services.find((s) => s.name === 'gateway') as Running;
    const summary = await withApp([GatewayDataModule, DashboardDataModule], (app) => loadDemo(app, `http://127.0.0.1:${gateway.port}`));
    this.logger.log(`demo: ${summary.events} events sent through the gateway; users ${summary.users.join(', ')}`);
    return { email: 'morgan.lee@demo.forewarn.dev', password: summary.password, note: 'sales lead of the demo team' };
  }

  /** Without demo data there is still a way in: an admin whose password is new at every start. */
  private async adminLogin(): Promise<{ email: string; password: string; note: string }> {
    const password = randomBytes(9).toString('base64url');
    await withApp([DashboardDataModule], (app) => app.get(UsersRepository).upsert({ email: 'admin@forewarn.local', name: 'Administrator', role: 'admin', team: null }, password));
    return { email: 'admin@forewarn.local', password, note: 'admin; new password at every start' };
  }

  private printBanner(login: { email: string; password: string; note: string }, env: NodeJS.ProcessEnv, smtpUp: boolean): void {
    const { config } = this.options;
    const lines = [
      '',
      '  Forewarn is running.',
      '',
      `  Dashboard   ${config.PUBLIC_URL}`,
      `  Sign in     ${login.email} / ${login.password}   (${login.note})`,
      ...(this.sink ? [`  Mail sink   ${config.PUBLIC_URL}/dev/mail   (every mail sent, development only; for admins${login.note.startsWith('admin') ? '' : `: ${DEMO_ADMIN} / ${login.password}`})`] : [`  Mail        ${redact(env.SMTP_URL ?? '')}`]),
      ...(smtpUp ? [] : [`              SMTP at ${redact(env.SMTP_URL ?? '')} is unreachable: mail waits until it answers (nothing is lost)`]),
      `  Gateway     http://localhost:${env.GATEWAY_PORT ?? 3001}/v1/events`,
      `  Kafka       ${config.KAFKA_BROKERS.join(',')}${this.kafka?.started ? ' (started by Forewarn)' : ''}, topics ${Object.values(topicsFor(config.FOREWARN_TOPIC_PREFIX)).join(', ')}`,
      `  PostgreSQL  ${redact(config.DATABASE_URL)}`,
      '',
      '  Press Ctrl-C to stop.',
      '',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.logger.log('stopping…');
      if (this.smtpWatch) clearInterval(this.smtpWatch);
      await Promise.all(this.services.map((s) => terminate(s.child, 15_000)));
      await this.sink?.stop().catch(() => undefined);
      await this.db?.destroy().catch(() => undefined);
      if (this.kafka?.started) {
        this.logger.log('stopping Kafka');
        await this.kafka.stop().catch(() => undefined);
      }
      this.logger.log('stopped');
    })();
    return this.stopping;
  }
}

/** A service's `/readyz` report (its body names each dependency); `null` while it does not answer. */
async function readiness(port: number): Promise<{ ready: boolean; dependencies: Record<string, 'up' | 'down'> } | null> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(5_000) });
    const body = (await response.json()) as { dependencies?: Record<string, 'up' | 'down'> };
    return { ready: response.ok, dependencies: body.dependencies ?? {} };
  } catch {
    return null;
  }
}

/** The demo's admin, who may read the development mail sink. */
const DEMO_ADMIN = 'admin@demo.forewarn.dev';

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]+@/, '//$1:***@');
}

async function terminate(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
