import { isIP } from 'node:net';
import { TOPIC_RETENTION_DAYS, type TopicName } from '@forewarn/contracts';
import { z } from 'zod';

/**
 * Configuration comes from the environment only, is validated once at start-up, and a bad value
 * stops the process with one line that names the variable (see CONTRACT.md, "Configuration").
 */
export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

const DEV_SECRET = 'forewarn-development-secret-do-not-use-in-production';

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const brokerList = z
  .string()
  .default('127.0.0.1:9092')
  .transform((value) => value.split(',').map((b) => b.trim()).filter(Boolean))
  .refine((list) => list.length > 0 && list.every((b) => /^[^\s:]+:\d{1,5}$/.test(b)), {
    message: 'must be a comma-separated list of host:port',
  });

const postgresUrl = z
  .string()
  .default('postgres://postgres@127.0.0.1:5432/forewarn')
  .refine((value) => /^postgres(ql)?:\/\/[^/]+\/[A-Za-z0-9_-]+(\?.*)?$/.test(value), {
    message: 'must be a postgres:// URL with a database name',
  });

const httpUrl = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((value) => /^https?:\/\/[^\s]+$/.test(value), { message: 'must be an http(s) URL' })
    .transform((value) => value.replace(/\/+$/, ''));

const DOMAIN_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

const commaList = (value: string): string[] => value.split(',').map((item) => item.trim().toLowerCase()).filter(Boolean);

/**
 * Who may receive mail and chat posts about accounts (CONTRACT.md, "Email"): addresses on these
 * domains and dashboard users. Unset: the domains of dashboard users and of MAIL_FROM.
 */
const internalDomains = {
  FOREWARN_INTERNAL_DOMAINS: z
    .string()
    .optional()
    .transform((value) => (value === undefined ? null : commaList(value)))
    .refine((list) => list === null || (list.length > 0 && list.every((d) => DOMAIN_NAME.test(d))), {
      message: 'must be a comma-separated list of domain names, e.g. example.com,example.co.uk',
    }),
};

/**
 * Hosts (names or IP addresses) that chat webhooks and calendar feeds may reach although they are
 * not on the public internet: an operator's explicit choice, e.g. a chat relay inside the network.
 */
const outboundAllowHosts = {
  FOREWARN_OUTBOUND_ALLOW_HOSTS: z
    .string()
    .default('')
    .transform(commaList)
    .refine((list) => list.every((h) => isIP(h.replace(/^\[|\]$/g, '')) !== 0 || DOMAIN_NAME.test(h.replace(/\.$/, ''))), {
      message: 'must be a comma-separated list of host names or IP addresses, e.g. 127.0.0.1,chat-relay.internal',
    }),
};

/** How long to keep something: a whole number of days, or `forever` (null). */
const retentionDays = (fallback: number | null, least = 1) =>
  z
    .string()
    .default(fallback === null ? 'forever' : String(fallback))
    .transform((value) => value.trim().toLowerCase())
    .refine((value) => value === 'forever' || (/^\d{1,6}$/.test(value) && Number(value) >= least), {
      message: `must be a whole number of days (at least ${least}) or forever`,
    })
    .transform((value): number | null => (value === 'forever' ? null : Number(value)));

const DAY_MS = 86_400_000;

const mailFrom = { MAIL_FROM: z.string().min(3).default('Forewarn <forewarn@localhost>') };

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];
const isProxyAddress = (entry: string): boolean => {
  if (PROXY_NAMES.includes(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128));
};

/**
 * Express's `trust proxy`, stated explicitly: `off`, a number of proxy hops in front of the
 * gateway, or the proxies' addresses (IPs, CIDR ranges, loopback, linklocal, uniquelocal).
 */
const trustProxy = z
  .string()
  .default('off')
  .transform((value) => value.trim().toLowerCase())
  .refine((value) => value === 'off' || /^[1-9]$/.test(value) || value.split(',').every((entry) => isProxyAddress(entry.trim())), {
    message: 'must be off, a number of proxy hops (1-9), or a comma-separated list of proxy addresses or ranges (10.0.0.0/8, loopback)',
  })
  .transform((value): false | number | string[] => (value === 'off' ? false : /^[1-9]$/.test(value) ? Number(value) : value.split(',').map((entry) => entry.trim())));

/** Settings every Forewarn process shares. */
export const baseEnvSchema = z.object({
  /**
   * Unset means production: only `forewarn start` (development) and the tests (test) say otherwise,
   * explicitly, and only they may run with the development secret and the development pages.
   */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `pretty` for people (`npm start` sets it), JSON lines for machines. */
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  KAFKA_BROKERS: brokerList,
  FOREWARN_TOPIC_PREFIX: z
    .string()
    .default('forewarn.')
    .refine((value) => /^[A-Za-z0-9._-]*$/.test(value), { message: 'may only contain letters, digits, ".", "_" and "-"' }),
  DATABASE_URL: postgresUrl,
  PUBLIC_URL: httpUrl('http://localhost:3000'),
  FOREWARN_SECRET: z.string().optional(),
  /** Where `forewarn start` keeps the local Kafka and the development mail sink's mails; `~/.cache/forewarn` when unset. */
  FOREWARN_CACHE_DIR: z.string().trim().min(1).optional(),
  /**
   * How long Kafka keeps each topic, set by `forewarn topics` (and `forewarn start`) on creation and
   * on existing topics alike. events.v1 is what `forewarn replay` rebuilds from: kept by default.
   */
  FOREWARN_RETENTION_EVENTS_TOPIC_DAYS: retentionDays(TOPIC_RETENTION_DAYS.events),
  FOREWARN_RETENTION_HEALTH_TOPIC_DAYS: retentionDays(TOPIC_RETENTION_DAYS.health),
  /** At least a day: the notifier must get its alerts after an outage. */
  FOREWARN_RETENTION_ALERTS_TOPIC_DAYS: retentionDays(TOPIC_RETENTION_DAYS.alerts),
  FOREWARN_RETENTION_DLQ_TOPIC_DAYS: retentionDays(TOPIC_RETENTION_DAYS.dlq),
});

/** The topics' retention in days (null: forever), from the settings. */
export function topicRetentionDays(config: z.infer<typeof baseEnvSchema>): Record<TopicName, number | null> {
  return {
    events: config.FOREWARN_RETENTION_EVENTS_TOPIC_DAYS,
    health: config.FOREWARN_RETENTION_HEALTH_TOPIC_DAYS,
    alerts: config.FOREWARN_RETENTION_ALERTS_TOPIC_DAYS,
    dlq: config.FOREWARN_RETENTION_DLQ_TOPIC_DAYS,
  };
}

export const gatewayEnvSchema = baseEnvSchema.extend({
  GATEWAY_PORT: port(3001),
  GATEWAY_MAX_BATCH: z.coerce.number().int().min(1).max(10000).default(1000),
  GATEWAY_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(5 * 1024 * 1024),
  /** Requests per second each source may make (token bucket, per gateway instance); over it: 429 + Retry-After. */
  GATEWAY_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().max(1_000_000).default(50),
  /** Requests a source may make at once before the rate applies; default twice the rate. */
  GATEWAY_RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(1_000_000).optional(),
  /** Webhook bodies are at most this large (and never larger than GATEWAY_MAX_BODY_BYTES); /v1/events batches have their own limit. */
  GATEWAY_WEBHOOK_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
  /** Requests per second from one client address, checked before authentication; default the larger of 200 and 4 × GATEWAY_RATE_LIMIT_PER_SECOND. */
  GATEWAY_CLIENT_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().max(1_000_000).optional(),
  /** Requests one client address may make at once; default twice its rate. */
  GATEWAY_CLIENT_RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(10_000_000).optional(),
  /** Whose X-Forwarded-For to believe for the client address: off (default), a number of proxy hops, or proxy addresses. */
  GATEWAY_TRUST_PROXY: trustProxy,
  /** How long the gateway remembers a source (its key, allowance, mapping): changes take effect within this time. */
  GATEWAY_SOURCE_CACHE_MS: z.coerce.number().int().min(0).max(30_000).default(10_000),
  /** Replay window of signed webhooks (Zendesk): a signature timestamp further from now, either way, is refused. */
  GATEWAY_SIGNATURE_TOLERANCE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /** How often the calendar poller looks for feeds that are due (each feed has its own interval); 0 turns polling off. */
  GATEWAY_CALENDAR_TICK_MS: z.coerce.number().int().min(0).default(15_000),
  /** How far ahead meetings are taken from calendars (recurring events are expanded that far). */
  GATEWAY_CALENDAR_WINDOW_DAYS: z.coerce.number().int().min(1).max(366).default(30),
  /** Time limit of one feed download. */
  GATEWAY_CALENDAR_FETCH_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  /** Largest feed accepted. */
  GATEWAY_CALENDAR_MAX_BYTES: z.coerce.number().int().min(1024).default(10 * 1024 * 1024),
  /** Most events one feed may hold; over it the feed is not synced and its last error says so. */
  GATEWAY_CALENDAR_MAX_EVENTS: z.coerce.number().int().min(1).default(5_000),
  /** How long each source's delivery log keeps a webhook delivery (forewarn source log), in days. */
  GATEWAY_DELIVERY_LOG_RETENTION_DAYS: z.coerce.number().min(0.001).max(366).default(7),
  /** The largest body the delivery log keeps of a delivery (secrets stripped); longer ones are cut with a marker. 0 keeps no bodies. */
  GATEWAY_DELIVERY_LOG_MAX_BODY_BYTES: z.coerce.number().int().min(0).max(16 * 1024 * 1024).default(64 * 1024),
  /** How often the gateway deletes deliveries past their retention (one gateway instance at a time). */
  GATEWAY_DELIVERY_LOG_CLEANUP_MS: z.coerce.number().int().min(1_000).default(10 * 60_000),
  ...outboundAllowHosts,
});

export const accountHealthEnvSchema = baseEnvSchema.extend({
  ACCOUNT_HEALTH_PORT: port(3002),
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).default(250),
  /** The health policy (JSON, see docs/HEALTH-POLICY.md); unset means the built-in defaults. Reloaded on change and on SIGHUP. */
  HEALTH_POLICY_FILE: z.string().trim().min(1).optional(),
  /** How often the sweep re-evaluates accounts whose health changes with time (staleness, decay, meetings, briefings). */
  HEALTH_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(5 * 60_000),
  /** How often the policy file is checked for changes. */
  HEALTH_POLICY_WATCH_MS: z.coerce.number().int().min(100).default(2_000),
  /** Partitions of the events topic projected at the same time; each batch waits mostly on PostgreSQL. */
  HEALTH_PARTITIONS_CONCURRENTLY: z.coerce.number().int().min(1).max(4).default(2),
  /**
   * Most bytes of events one fetch from Kafka holds, over all partitions (each at most 1 MiB): what
   * account-health has in memory at once is this and what it derives from it.
   */
  HEALTH_FETCH_MAX_BYTES: z.coerce.number().int().min(64 * 1024).max(64 * 1024 * 1024).default(10 * 1024 * 1024),
  /** Health history older than this is deleted (each account keeps its last point before it, where its chart starts). */
  FOREWARN_RETENTION_HEALTH_HISTORY_DAYS: retentionDays(365),
});

export const notifierEnvSchema = baseEnvSchema.extend({
  NOTIFIER_PORT: port(3003),
  SMTP_URL: z
    .string()
    .default('smtp://127.0.0.1:1025')
    .refine((value) => /^smtps?:\/\/[^\s]+$/.test(value), { message: 'must be an smtp:// or smtps:// URL' }),
  ...mailFrom,
  ...internalDomains,
  ...outboundAllowHosts,
  SENDER_POLL_MS: z.coerce.number().int().min(10).default(500),
  /** How long the first alert about an account waits for more, so a burst gives one mail. */
  NOTIFY_GROUP_WAIT_MS: z.coerce.number().int().min(0).default(10_000),
  /** Cap of the retry backoff while SMTP fails. */
  SMTP_RETRY_MAX_MS: z.coerce.number().int().min(100).default(5 * 60_000),
  /** The same state is not mailed to someone again within this interval unless it got worse. */
  NOTIFY_REPEAT_INTERVAL_MS: z.coerce.number().int().min(0).default(24 * 3_600_000),
  /** A meeting this close makes an alert urgent: it skips quiet hours and digests. */
  NOTIFY_URGENT_MEETING_MS: z.coerce.number().int().min(0).default(6 * 3_600_000),
  /** Quiet hours for people who set none, local "HH:MM-HH:MM", or "off". */
  NOTIFY_QUIET_HOURS: z
    .string()
    .default('20:00-07:00')
    .refine((value) => value === 'off' || /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/.test(value), { message: 'must be HH:MM-HH:MM or off' })
    .transform((value) => (value === 'off' ? null : { start: value.slice(0, 5), end: value.slice(6) })),
  /** Local hour (0–23) at which leads get their daily digest. */
  DIGEST_HOUR: z.coerce.number().int().min(0).max(23).default(8),
  /** How often the notifier looks for digests that are due. */
  DIGEST_CHECK_MS: z.coerce.number().int().min(100).default(60_000),
  /** How long acknowledge and snooze links in mails keep working. */
  LINK_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  /** Settled notifications (sent, failed, suppressed, superseded, dropped) and digest records older than this are deleted. */
  FOREWARN_RETENTION_NOTIFICATIONS_DAYS: retentionDays(90),
  /** Write-back (notes on support cases): how often the worker looks for notes that are due. */
  WRITE_BACK_POLL_MS: z.coerce.number().int().min(10).default(1_000),
  /** Time limit of one call to a helpdesk's API; a claimed note's lease is six times as long. */
  WRITE_BACK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** The first retry after a failed call; it doubles with each attempt up to WRITE_BACK_RETRY_MAX_MS. */
  WRITE_BACK_RETRY_FIRST_MS: z.coerce.number().int().min(10).default(10_000),
  WRITE_BACK_RETRY_MAX_MS: z.coerce.number().int().min(10).default(15 * 60_000),
  /** A note not written this many hours after it was asked for is given up. */
  WRITE_BACK_GIVE_UP_HOURS: z.coerce.number().positive().max(24 * 30).default(24),
  /** Failures in a row (5xx, timeouts) after which a helpdesk endpoint is left alone for WRITE_BACK_BREAKER_COOLDOWN_MS. */
  WRITE_BACK_BREAKER_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  WRITE_BACK_BREAKER_COOLDOWN_MS: z.coerce.number().int().min(10).default(60_000),
  /** The secret before the last rotation of FOREWARN_SECRET, so helpdesk tokens sealed under it still open until they are set again. */
  FOREWARN_SECRET_PREVIOUS: z.string().min(1).optional(),
}).superRefine((config, context) => {
  // "Not again within the repeat interval" reads the last mail sent from the ledger: it must still be there.
  const days = config.FOREWARN_RETENTION_NOTIFICATIONS_DAYS;
  if (days !== null && days * DAY_MS <= config.NOTIFY_REPEAT_INTERVAL_MS) {
    context.addIssue({ code: z.ZodIssueCode.custom, path: ['FOREWARN_RETENTION_NOTIFICATIONS_DAYS'], message: `must be longer than NOTIFY_REPEAT_INTERVAL_MS (${config.NOTIFY_REPEAT_INTERVAL_MS} ms)` });
  }
});

export const dashboardEnvSchema = baseEnvSchema.extend({
  DASHBOARD_PORT: port(3000),
  /** HTTP API of the development mail sink; set by `npm start`, never in production. */
  DEV_MAIL_URL: z.string().url().optional(),
  /** A session ends after this many minutes without use (and 14 days after sign-in in any case). */
  DASHBOARD_SESSION_IDLE_MINUTES: z.coerce.number().positive().max(14 * 24 * 60).default(480),
  /** Failed sign-ins per account before each further one makes the next attempt wait; per client address four times as many. */
  DASHBOARD_LOGIN_FREE_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  /** The first wait after too many failed sign-ins; it doubles with each further failure. */
  DASHBOARD_LOGIN_BACKOFF_SECONDS: z.coerce.number().positive().max(3600).default(30),
  /** The longest wait, however many failures: minutes, so a guesser cannot lock anyone out for long. */
  DASHBOARD_LOGIN_BACKOFF_MAX_SECONDS: z.coerce.number().positive().max(3600).default(900),
  /** Where sign-in links and invitations go out (the notifier's relay): the dashboard's own account mail, not alerts. */
  SMTP_URL: z
    .string()
    .default('smtp://127.0.0.1:1025')
    .refine((value) => /^smtps?:\/\/[^\s]+$/.test(value), { message: 'must be an smtp:// or smtps:// URL' }),
  /** The sender of that mail; its domain is internal when FOREWARN_INTERNAL_DOMAINS is unset, as in the notifier. */
  ...mailFrom,
  ...internalDomains,
  ...outboundAllowHosts,
});

/** `forewarn user bootstrap-admin`: the first admin of an installation (the Docker Compose `bootstrap` step). */
export const bootstrapAdminEnvSchema = baseEnvSchema.extend({
  FOREWARN_ADMIN_EMAIL: z.string().trim().regex(/^[^\s@]+@[^\s@]+$/, { message: 'must be an email address' }).optional(),
  /** A file holding the admin's password (a Docker secret), never the password itself. */
  FOREWARN_ADMIN_PASSWORD_FILE: z.string().trim().min(1).optional(),
});

export type BaseConfig = z.infer<typeof baseEnvSchema> & { FOREWARN_SECRET: string };
export type GatewayConfig = z.infer<typeof gatewayEnvSchema> & BaseConfig;
export type AccountHealthConfig = z.infer<typeof accountHealthEnvSchema> & BaseConfig;
export type NotifierConfig = z.infer<typeof notifierEnvSchema> & BaseConfig;
export type DashboardConfig = z.infer<typeof dashboardEnvSchema> & BaseConfig;

export const MIN_SECRET_LENGTH = 32;

export interface LoadOptions {
  /**
   * Whether this process signs or verifies anything with FOREWARN_SECRET (links, sessions,
   * credentials). The four services do; most CLI commands do not, and then neither check applies.
   */
  needsSecret?: boolean;
}

/**
 * The secret fails closed: outside an explicit NODE_ENV=development or test, FOREWARN_SECRET must be
 * set, at least 32 characters, and not the development secret, which is public in this repository.
 */
function secretFor(nodeEnv: 'development' | 'production' | 'test', secret: string | undefined): string {
  if (nodeEnv === 'development' || nodeEnv === 'test') return secret ?? DEV_SECRET;
  if (!secret) throw new ConfigError('FOREWARN_SECRET', `is required (at least ${MIN_SECRET_LENGTH} random characters) unless NODE_ENV is development or test`);
  if (secret.length < MIN_SECRET_LENGTH) throw new ConfigError('FOREWARN_SECRET', `must be at least ${MIN_SECRET_LENGTH} characters long (it has ${secret.length})`);
  if (secret === DEV_SECRET) throw new ConfigError('FOREWARN_SECRET', 'is the public development secret; generate your own (openssl rand -base64 48)');
  return secret;
}

/** Parses the environment; throws a ConfigError naming the first bad variable. */
export function loadConfig<S extends z.ZodType<z.output<typeof baseEnvSchema>, z.ZodTypeDef, unknown>>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
  options: LoadOptions = {},
): z.infer<S> & { FOREWARN_SECRET: string } {
  const blankToUndefined = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === '' ? undefined : v]));
  const parsed = schema.safeParse(blankToUndefined);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(String(issue.path[0] ?? 'environment'), issue.message.replace(/^String /, ''));
  }
  const config = parsed.data as z.infer<S>;
  const needsSecret = options.needsSecret ?? true;
  return { ...config, FOREWARN_SECRET: needsSecret ? secretFor(config.NODE_ENV, config.FOREWARN_SECRET) : (config.FOREWARN_SECRET ?? '') };
}

/**
 * For `main.ts`: load the config or print the one clear line and exit, instead of a stack trace.
 */
export function loadConfigOrExit<S extends z.ZodType<z.output<typeof baseEnvSchema>, z.ZodTypeDef, unknown>>(app: string, schema: S): z.infer<S> & { FOREWARN_SECRET: string } {
  try {
    return loadConfig(schema);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`forewarn ${app}: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}
