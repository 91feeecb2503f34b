import { type Topics, topicsFor } from '@forewarn/contracts';
import { type SourceKind, type User, type UserRole, type UserUpsert } from '@forewarn/database';
import { type MailSink, startMailSink } from '@forewarn/devstack';
import { createKafka, ensureTopics } from '@forewarn/messaging';
import type { Kafka } from 'kafkajs';
import { type DashboardUsers, dashboardUsers } from './dashboard-users';
import { TEST_KAFKA_BROKERS } from './paths';
import { addSource } from './sources';
import { type AppName, createTestDatabase, type RunningService, startService, type TestDatabase, testTag } from './services';

export interface Bus {
  tag: string;
  topics: Topics;
  kafka: Kafka;
  database: TestDatabase;
  sink: MailSink;
  services: Record<AppName, RunningService>;
  gatewayUrl: string;
  dashboardUrl: string;
  /** The environment the services were started with (to start another instance alike). */
  env: NodeJS.ProcessEnv;
  /** Registers a source (an `events` source unless `kind` says otherwise); its api key. */
  addSource(name: string, kind?: SourceKind, signingSecret?: string | null): Promise<string>;
  addUser(email: string, role: UserRole, team?: string): Promise<string>;
  /** Adds or updates a dashboard user (with a password to sign in with), as `forewarn user add` does. */
  upsertUser(user: User, password?: string): Promise<UserUpsert>;
  postEvents(apiKey: string, body: unknown, contentType?: string): Promise<{ status: number; json: Record<string, unknown> | null; headers: Headers }>;
  /** Sum of the high watermarks of a topic: how many messages were ever written to it. */
  messageCount(topic: string): Promise<number>;
  /** Messages of `topic` that the consumer group (`<prefix><group>`) has not committed yet. */
  lag(group: string, topic: string): Promise<number>;
  /** Stops the SMTP sink, as if the mail server went down. */
  stopSink(): Promise<void>;
  /** Starts a fresh SMTP sink on the same port, as if the mail server came back. */
  startSink(): Promise<void>;
  /** Stops one service and starts it again with the bus's settings and `extraEnv` over them. */
  restart(app: AppName, extraEnv?: NodeJS.ProcessEnv): Promise<RunningService>;
  stop(): Promise<void>;
}

const ALL_APPS: AppName[] = ['account-health', 'notifier', 'gateway', 'dashboard'];

/** The tests share one broker and never delete their topics: a day of each is plenty. */
const TEST_TOPIC_RETENTION_DAYS = { events: 1, health: 1, alerts: 1, dlq: 1 };

/** The whole bus for one test: its own topic prefix, database and SMTP sink; the four services as real processes. */
export async function startBus(name: string, extraEnv: NodeJS.ProcessEnv = {}, apps: AppName[] = ALL_APPS, options: { databaseServer?: string } = {}): Promise<Bus> {
  const tag = testTag(name);
  const prefix = `test.${tag}.`;
  const topics = topicsFor(prefix);
  const kafka = createKafka({ brokers: TEST_KAFKA_BROKERS.split(','), clientId: `test-${tag}` });
  await ensureTopics(kafka, prefix, TEST_TOPIC_RETENTION_DAYS);
  const database = await createTestDatabase(tag, options.databaseServer);
  const sink = await startMailSink({ smtpPort: 0, httpPort: 0 });
  const env: NodeJS.ProcessEnv = {
    KAFKA_BROKERS: TEST_KAFKA_BROKERS,
    FOREWARN_TOPIC_PREFIX: prefix,
    DATABASE_URL: database.url,
    SMTP_URL: `smtp://127.0.0.1:${sink.smtpPort}`,
    DEV_MAIL_URL: `http://127.0.0.1:${sink.httpPort}`,
    NODE_ENV: 'test',
    FOREWARN_SECRET: 'test-secret-0123456789abcdef0123456789',
    NOTIFY_GROUP_WAIT_MS: '1500',
    // Tests run at any hour; the ones about quiet hours set them per recipient.
    NOTIFY_QUIET_HOURS: 'off',
    // Digests only where a test asks for them.
    DIGEST_CHECK_MS: '86400000',
    // As a real deployment: our reps are on sales.example (customers' domains are never mailed).
    FOREWARN_INTERNAL_DOMAINS: 'sales.example',
    // The tests' fake chat and calendar servers listen on 127.0.0.1: allowed as an operator would.
    FOREWARN_OUTBOUND_ALLOW_HOSTS: '127.0.0.1',
    ...extraEnv,
  };
  const started: RunningService[] = [];
  try {
    for (const app of ALL_APPS.filter((a) => apps.includes(a))) started.push(await startService(app, env));
  } catch (error) {
    await Promise.all(started.map((s) => s.stop()));
    await sink.stop();
    await database.drop();
    throw error;
  }
  const services = Object.fromEntries(started.map((s) => [s.name, s])) as Record<AppName, RunningService>;
  const admin = kafka.admin();
  await admin.connect();
  let sinkRunning = true;
  let users: Promise<DashboardUsers> | null = null;
  const bus: Bus = {
    tag, topics, kafka, database, sink, services, env,
    gatewayUrl: services.gateway?.url,
    dashboardUrl: services.dashboard?.url,
    async addSource(sourceName, kind, signingSecret) {
      return addSource(database.url, sourceName, kind, signingSecret);
    },
    async addUser(email, role, team) {
      return (await bus.upsertUser({ email, role, team: team ?? null, name: null })).token;
    },
    async upsertUser(user, password) {
      users ??= dashboardUsers(database.url);
      return (await users).upsert(user, password);
    },
    async postEvents(apiKey, body, contentType = Array.isArray(body) ? 'application/cloudevents-batch+json' : 'application/cloudevents+json') {
      const response = await fetch(`${services.gateway.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': contentType },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let json: Record<string, unknown> | null = null;
      try { json = JSON.parse(text); } catch { json = null; }
      return { status: response.status, json, headers: response.headers };
    },
    async messageCount(topic) {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    },
    async lag(group, topic) {
      const [committed] = await admin.fetchOffsets({ groupId: `${prefix}${group}`, topics: [topic] });
      const ends = await admin.fetchTopicOffsets(topic);
      return ends.reduce((sum, p) => {
        const done = Number(committed.partitions.find((c) => c.partition === p.partition)?.offset ?? -1);
        return sum + Number(p.high) - Math.max(done, Number(p.low));
      }, 0);
    },
    async stopSink() {
      await bus.sink.stop();
      sinkRunning = false;
    },
    async startSink() {
      bus.sink = await startMailSink({ smtpPort: sink.smtpPort, httpPort: sink.httpPort });
      sinkRunning = true;
    },
    async restart(app, extraEnv = {}) {
      const index = started.findIndex((s) => s.name === app);
      await started[index].stop();
      started[index] = await startService(app, { ...env, ...extraEnv });
      services[app] = started[index];
      return started[index];
    },
    async stop() {
      await Promise.all(started.map((s) => s.stop()));
      await admin.disconnect();
      // A helper that failed to open has nothing to close.
      await users?.then((opened) => opened.close(), () => undefined);
      if (sinkRunning) await bus.sink.stop();
      await database.drop();
    },
  };
  return bus;
}
