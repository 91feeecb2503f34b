import type { AccountHealthConfig } from '@forewarn/config';
import { DigestsRepository, HealthDataModule, HealthRepository, LOCK, NotificationsRepository, NotifierDataModule, TxHost, WriteBacksRepository } from '@forewarn/database';
import { Metrics } from '@forewarn/service-kit';
import type { DataSource } from 'typeorm';
import { ACCOUNT_HEALTH_CONFIG } from '../../apps/account-health/src/account-health.config';
import { HistoryRetention } from '../../apps/account-health/src/retention/history-retention.service';
import { NotifierConfigModule } from '../../apps/notifier/src/notifier.config';
import { LedgerRetention } from '../../apps/notifier/src/retention/ledger-retention.service';
import { type IntegrationApp, integrationApp } from '../support/integration';
import { alertAbout, notifierConfig, ownerOf } from '../support/notifier-fixtures';

const DAY_MS = 86_400_000;
const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);

/** Runs `work` while another instance holds `lock` (a session lock on a connection of its own). */
async function whileAnotherInstanceHolds<T>(db: DataSource, lock: keyof typeof LOCK, work: () => Promise<T>): Promise<T> {
  const other = db.createQueryRunner();
  await other.connect();
  await other.query('SELECT pg_advisory_lock($1)', [LOCK[lock]]);
  try {
    return await work();
  } finally {
    await other.query('SELECT pg_advisory_unlock($1)', [LOCK[lock]]);
    await other.release();
  }
}

const deletedRows = async (metrics: Metrics, table: string) =>
  (await metrics.registry.getSingleMetric('forewarn_retention_deleted_rows_total')?.get())?.values.find((v) => v.labels.table === table)?.value ?? 0;

describe('health history retention', () => {
  let it_: IntegrationApp;
  let retention: HistoryRetention;
  const now = new Date('2026-11-30T12:00:00Z');

  /** A change of `accountId`'s health at `at`, as the projector records it: its health now and a history point. */
  const point = (accountId: string, at: Date, score: number) => {
    const health = { accountId, score, state: score < 50 ? 'firestorm' as const : 'healthy' as const, reasons: [], openCases: 0, openEscalations: 0, alertedState: null, policyVersion: 'test', timeDependent: false };
    return it_.app.get(HealthRepository).save([health], [health], at, 'test');
  };
  const history = async (accountId: string) =>
    ((await it_.db.query('SELECT score FROM health.health_history WHERE account_id = $1 ORDER BY at', [accountId])) as { score: number }[]).map((r) => r.score);

  beforeAll(async () => {
    it_ = await integrationApp('history-retention', {
      imports: [HealthDataModule],
      providers: [HistoryRetention, { provide: ACCOUNT_HEALTH_CONFIG, useValue: { FOREWARN_RETENTION_HEALTH_HISTORY_DAYS: 365 } as AccountHealthConfig }],
    });
    retention = it_.app.get(HistoryRetention);
  });

  afterAll(async () => {
    await it_?.close();
  });

  beforeEach(() => it_.db.query('TRUNCATE health.health_history, health.account_health'));

  it('deletes points older than a year, keeping each account’s last one before that, where its chart starts', async () => {
    await point('acme', daysBefore(now, 400), 90);
    await point('acme', daysBefore(now, 380), 40);
    await point('acme', daysBefore(now, 100), 70);
    await point('acme', daysBefore(now, 1), 30);
    await point('globex', daysBefore(now, 500), 85);
    await point('initech', daysBefore(now, 600), 20);
    await point('initech', daysBefore(now, 550), 60);

    expect(await retention.cleanOnce(now)).toBe(2);
    expect(await history('acme')).toEqual([40, 70, 30]);
    expect(await history('globex')).toEqual([85]);
    expect(await history('initech')).toEqual([60]);
    expect(await deletedRows(it_.app.get(Metrics), 'health.health_history')).toBe(2);
    expect(await retention.cleanOnce(now)).toBe(0);
  });

  it('leaves the history alone while another instance cleans it, and cleans it afterwards', async () => {
    await point('acme', daysBefore(now, 800), 90);
    await point('acme', daysBefore(now, 700), 40);
    await point('acme', daysBefore(now, 10), 70);

    expect(await whileAnotherInstanceHolds(it_.db, 'historyRetention', () => retention.cleanOnce(now))).toBeNull();
    expect(await history('acme')).toEqual([90, 40, 70]);
    expect(await retention.cleanOnce(now)).toBe(1);
    expect(await history('acme')).toEqual([40, 70]);
  });

  it('keeps everything when told to keep the history forever', async () => {
    await point('acme', daysBefore(now, 3000), 90);
    await point('acme', daysBefore(now, 2000), 40);
    const forever = new HistoryRetention(it_.app.get(TxHost), it_.app.get(HealthRepository), { FOREWARN_RETENTION_HEALTH_HISTORY_DAYS: null } as AccountHealthConfig, new Metrics());
    expect(await forever.cleanOnce(now)).toBe(0);
    expect(await history('acme')).toEqual([90, 40]);
  });
});

describe('notification ledger retention', () => {
  let it_: IntegrationApp;
  let ledger: NotificationsRepository;
  let retention: LedgerRetention;
  let seq = 0;

  /** A notification to a rep of ours about `accountId`, still to go; its id. */
  const queued = async (accountId: string) => {
    const alert = alertAbout(`${accountId}-${++seq}`, 'riley@sales.example');
    return (await ledger.add(alert, ownerOf(alert), new Date()))!;
  };
  /** As if everything that happened to these rows happened `days` earlier. */
  const age = (ids: string[], days: number) =>
    it_.db.query(
      `UPDATE notifier.notifications SET created_at = created_at - make_interval(days => $2), sent_at = sent_at - make_interval(days => $2),
         resend_requested_at = resend_requested_at - make_interval(days => $2), resent_at = resent_at - make_interval(days => $2) WHERE id = ANY($1::bigint[])`,
      [ids, days],
    );
  const remaining = async () => ((await it_.db.query('SELECT id FROM notifier.notifications ORDER BY id')) as { id: string }[]).map((r) => r.id);

  beforeAll(async () => {
    it_ = await integrationApp('ledger-retention', { imports: [NotifierDataModule, NotifierConfigModule.forRoot(notifierConfig())], providers: [LedgerRetention] });
    ledger = it_.app.get(NotificationsRepository);
    retention = it_.app.get(LedgerRetention);
  });

  afterAll(async () => {
    await it_?.close();
  });

  beforeEach(() => it_.db.query('TRUNCATE notifier.notifications, notifier.digests, notifier.write_backs'));

  it('deletes settled notifications after 90 days and keeps the recent ones and every one still to go', async () => {
    const sent = await queued('acme');
    await ledger.markSent(sent, { messageId: 'm1', response: '250 OK', subject: 'Acme is at risk', resend: false });
    const failed = await queued('acme');
    await ledger.markFailed(failed, '550 no such mailbox');
    const suppressed = await queued('acme');
    await ledger.markSuppressed(suppressed, 'acknowledged');
    const dropped = await queued('acme');
    await ledger.markDropped(dropped, 'not an internal address');
    const superseded = await queued('acme');
    await ledger.supersede(superseded, sent);
    const pending = await queued('acme');
    const retrying = await queued('acme');
    await ledger.markRetry(retrying, '421 try again later', 60_000);
    await age([sent, failed, suppressed, dropped, superseded, pending, retrying], 120);
    const sentLastWeek = await queued('globex');
    await ledger.markSent(sentLastWeek, { messageId: 'm2', response: '250 OK', subject: 'Globex is at risk', resend: false });
    await age([sentLastWeek], 7);

    expect(await retention.cleanOnce(new Date())).toEqual({ notifications: 5, digests: 0, writeBacks: 0 });
    expect(await remaining()).toEqual([pending, retrying, sentLastWeek]);
    expect(await deletedRows(it_.app.get(Metrics), 'notifier.notifications')).toBe(5);
  });

  it('keeps an old notification someone had sent again recently', async () => {
    const sent = await queued('acme');
    await ledger.markSent(sent, { messageId: 'm1', response: '250 OK', subject: 'Acme is at risk', resend: false });
    await age([sent], 200);
    await ledger.resend(sent, (await it_.db.query('SELECT account_id FROM notifier.notifications WHERE id = $1', [sent]))[0].account_id, 'morgan@sales.example', new Date());
    await ledger.markSent(sent, { messageId: 'm2', response: '250 OK', subject: 'Acme is at risk', resend: true });

    expect(await retention.cleanOnce(new Date())).toEqual({ notifications: 0, digests: 0, writeBacks: 0 });
    expect(await remaining()).toEqual([sent]);
  });

  it('forgets which digests were composed on days past the retention', async () => {
    const digests = it_.app.get(DigestsRepository);
    const day = (daysAgo: number) => daysBefore(new Date(), daysAgo).toISOString().slice(0, 10);
    await digests.claim('morgan@sales.example', day(200));
    await digests.claim('morgan@sales.example', day(91));
    await digests.claim('morgan@sales.example', day(1));

    expect(await retention.cleanOnce(new Date())).toEqual({ notifications: 0, digests: 2, writeBacks: 0 });
    expect(await digests.claim('morgan@sales.example', day(1))).toBe(false);
  });

  it('deletes settled notes of the write-back ledger after 90 days and keeps those still to write', async () => {
    const writeBacks = it_.app.get(WriteBacksRepository);
    const note = (caseId: string, status: 'pending' | 'dry_run' = 'pending') =>
      ({ accountId: 'acme', source: 'zendesk-prod', vendor: 'zendesk' as const, caseId, reason: 'acknowledged' as const, alertId: 'a1', note: 'Sales is aware.', tag: null, status });
    await writeBacks.add([note('ZD-1'), note('ZD-2'), note('ZD-3', 'dry_run'), note('ZD-4'), note('ZD-5')]);
    const claimed = await writeBacks.claimDue(10, 60_000);
    const id = (caseId: string) => claimed.find((n) => n.caseId === caseId)!.id;
    await writeBacks.markWritten(id('ZD-1'), false);
    await writeBacks.markFailed(id('ZD-2'), '401 from Zendesk', 401);
    await writeBacks.markRetry(id('ZD-4'), new Date(), '503 from Zendesk', 503, true);
    await writeBacks.markWritten(id('ZD-5'), false);
    await it_.db.query(`UPDATE notifier.write_backs SET created_at = created_at - interval '120 days', written_at = written_at - interval '120 days' WHERE case_id <> 'ZD-5'`);

    expect(await retention.cleanOnce(new Date())).toEqual({ notifications: 0, digests: 0, writeBacks: 3 });
    expect((await it_.db.query('SELECT case_id FROM notifier.write_backs ORDER BY case_id')).map((r: { case_id: string }) => r.case_id)).toEqual(['ZD-4', 'ZD-5']);
    expect(await deletedRows(it_.app.get(Metrics), 'notifier.write_backs')).toBe(3);
  });

  it('leaves the ledger alone while another instance cleans it, and cleans it afterwards', async () => {
    const failed = await queued('acme');
    await ledger.markFailed(failed, '550 no such mailbox');
    await age([failed], 100);

    expect(await whileAnotherInstanceHolds(it_.db, 'ledgerRetention', () => retention.cleanOnce(new Date()))).toBeNull();
    expect(await remaining()).toEqual([failed]);
    expect(await retention.cleanOnce(new Date())).toEqual({ notifications: 1, digests: 0, writeBacks: 0 });
    expect(await remaining()).toEqual([]);
  });
});
