import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { withSessionLock } from './advisory-locks';
import { ENTITIES } from './entities';
import { QueryLogger } from './query-logger';
import { InitialSchema1764000000000 } from './migrations/1764000000000-initial-schema';
import { NotificationDelivery1764100000000 } from './migrations/notifier/1764100000000-notification-delivery';
import { NoiseControl1764200000000 } from './migrations/notifier/1764200000000-noise-control';
import { HealthSignals1764300000000 } from './migrations/health/1764300000000-health-signals';
import { ChatChannel1764400000000 } from './migrations/notifier/1764400000000-chat-channel';
import { MappedSources1764500000000 } from './migrations/gateway/1764500000000-mapped-sources';
import { CalendarFeeds1764510000000 } from './migrations/gateway/1764510000000-calendar-feeds';
import { OverviewIndexes1764520000000 } from './migrations/health/1764520000000-overview-indexes';
import { MemberEmailsNoPendingList1764530000000 } from './migrations/health/1764530000000-member-emails-no-pending-list';
import { OutboxValueAsText1764535000000 } from './migrations/health/1764535000000-outbox-value-as-text';
import { AuditLog1765000000000 } from './migrations/audit/1765000000000-audit-log';
import { SourceAllowanceAndKeyRotation1765010000000 } from './migrations/gateway/1765010000000-source-allowance-and-key-rotation';
import { SignInLimits1765020000000 } from './migrations/dashboard/1765020000000-sign-in-limits';
import { InternalAudience1765030000000 } from './migrations/1765030000000-internal-audience';
import { CalendarAllowInternal1765030000001 } from './migrations/gateway/1765030000001-calendar-allow-internal';
import { NotificationLedgerViews1765040000000 } from './migrations/notifier/1765040000000-notification-ledger-views';
import { HealthPolicyInUse1765040000001 } from './migrations/health/1765040000001-health-policy-in-use';
import { OnceOnlyFeedback1765040000002 } from './migrations/dashboard/1765040000002-once-only-feedback';
import { HealthReadViews1765140000000 } from './migrations/health/1765140000000-health-read-views';
import { SourceSettings1765150000000 } from './migrations/gateway/1765150000000-source-settings';
import { DeliveryLog1765150000001 } from './migrations/gateway/1765150000001-delivery-log';
import { AccountReferences1765150000002 } from './migrations/health/1765150000002-account-references';
import { OutboxTraceparent1765160000000 } from './migrations/health/1765160000000-outbox-traceparent';
import { NotificationTraceparent1765160000001 } from './migrations/notifier/1765160000001-notification-traceparent';
import { WriteBackSettings1765171700000 } from './migrations/gateway/1765171700000-write-back-settings';
import { OpenCasesBySource1765171700001 } from './migrations/health/1765171700001-open-cases-by-source';
import { WriteBacks1765171700002 } from './migrations/notifier/1765171700002-write-backs';
import { DashboardLiveViews1765180000000 } from './migrations/health/1765180000000-dashboard-live-views';
import { DeliveryOutcomeNotify1765180000001 } from './migrations/notifier/1765180000001-delivery-outcome-notify';
import { InvitesAndSignInLinks1765180000002 } from './migrations/dashboard/1765180000002-invites-and-sign-in-links';
import { OverviewRiskOrder1765190000000 } from './migrations/health/1765190000000-overview-risk-order';
import { NextMeetingIndex1765190000001 } from './migrations/health/1765190000001-next-meeting-index';

/** Every migration, in order. Committed migrations are never edited; add a new one instead. */
export const MIGRATIONS = [
  InitialSchema1764000000000,
  NotificationDelivery1764100000000,
  NoiseControl1764200000000,
  HealthSignals1764300000000,
  ChatChannel1764400000000,
  MappedSources1764500000000,
  CalendarFeeds1764510000000,
  OverviewIndexes1764520000000,
  MemberEmailsNoPendingList1764530000000,
  OutboxValueAsText1764535000000,
  AuditLog1765000000000,
  SourceAllowanceAndKeyRotation1765010000000,
  SignInLimits1765020000000,
  InternalAudience1765030000000,
  CalendarAllowInternal1765030000001,
  NotificationLedgerViews1765040000000,
  HealthPolicyInUse1765040000001,
  OnceOnlyFeedback1765040000002,
  HealthReadViews1765140000000,
  SourceSettings1765150000000,
  DeliveryLog1765150000001,
  AccountReferences1765150000002,
  OutboxTraceparent1765160000000,
  NotificationTraceparent1765160000001,
  WriteBackSettings1765171700000,
  OpenCasesBySource1765171700001,
  WriteBacks1765171700002,
  DashboardLiveViews1765180000000,
  DeliveryOutcomeNotify1765180000001,
  InvitesAndSignInLinks1765180000002,
  OverviewRiskOrder1765190000000,
  NextMeetingIndex1765190000001,
];

export interface DataSourceOptions {
  poolSize?: number;
  applicationName?: string;
  /** PostgreSQL settings for every connection of the pool (`-c name=value` at connect). */
  sessionSettings?: Readonly<Record<string, string | number>>;
}

/** The one data source definition, used by every app and by the TypeORM migration CLI. */
export function createDataSource(url: string, options: DataSourceOptions = {}): DataSource {
  const settings = Object.entries(options.sessionSettings ?? {}).map(([name, value]) => `-c ${name}=${value}`).join(' ');
  return new DataSource({
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'forewarn_migrations',
    entities: ENTITIES,
    // Failed statements are the caller's to report: TypeORM's own line would carry their parameters.
    logger: new QueryLogger(),
    extra: { max: options.poolSize ?? 10, application_name: options.applicationName ?? 'forewarn', connectionTimeoutMillis: 5000, Client: ResilientClient, ...(settings ? { options: settings } : {}) },
    // An idle connection the server closed: the pool drops it and opens another when needed.
    poolErrorHandler: () => undefined,
  });
}

/** Creates the database named in the URL when it is missing (e.g. a fresh machine or a test run). */
export async function ensureDatabase(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount) return false;
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === '42P04') return false; // created concurrently
    throw error;
  } finally {
    await client.end();
  }
}

/**
 * Applies pending migrations under a PostgreSQL advisory lock, so several services or replicas
 * starting at once do not race. Returns the names of the migrations it applied.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const applied = await withSessionLock(dataSource, 'migrations', () => dataSource.runMigrations({ transaction: 'each' }), { wait: true });
  return (applied ?? []).map((m) => m.name);
}

/** Opens a data source for a service: creates the database if needed and migrates it. */
export async function openDatabase(url: string, options: DataSourceOptions = {}): Promise<DataSource> {
  await ensureDatabase(url);
  const dataSource = createDataSource(url, options);
  await dataSource.initialize();
  await runMigrations(dataSource);
  return dataSource;
}

/**
 * pg-pool only listens for errors on idle clients. A connection the server terminates while it is
 * checked out (a PostgreSQL restart, `pg_terminate_backend`) would emit an unhandled 'error' and
 * kill the process; with a listener of its own from birth, the query on it fails instead, and the
 * caller's retry takes a new connection. pg-pool takes the client class as an option (`Client`).
 */
export class ResilientClient extends Client {
  constructor(config?: ConstructorParameters<typeof Client>[0]) {
    super(config);
    this.on('error', () => undefined);
  }
}
