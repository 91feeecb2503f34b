import type { AlertAcknowledged } from '@forewarn/contracts';
import { GatewayDataModule, type NewWriteBack, NotificationsRepository, SourcesRepository, WriteBackSettingsRepository, WriteBacksRepository } from '@forewarn/database';
import { NO_WRITE_BACK, seal, sealingKey, sourceTokenContext, type WriteBackMode } from '@forewarn/write-back';
import { AlertsController } from '../../apps/notifier/src/intake/alerts.controller';
import { IntakeModule } from '../../apps/notifier/src/intake/intake.module';
import { NotifierConfigModule } from '../../apps/notifier/src/notifier.config';
import { type FakeHelpdesk, startFakeHelpdesk } from '../support/fake-helpdesks';
import { type IntegrationApp, integrationApp } from '../support/integration';
import { alertAbout, batchOf, notifierConfig } from '../support/notifier-fixtures';
import { eventually, sleep } from '../support/services';

const T = Date.now().toString(36);
/** For `eventually`: the rows, or nothing while there are none yet. */
const some = <R>(list: R[]): R[] | null => (list.length ? list : null);
const SECRET = 'integration-secret-0123456789abcdef0123';

interface Row { id: string; case_id: string; reason: string; status: string; attempts: number; in_doubt: boolean; last_error: string | null; vendor_status: number | null; found_on_case: boolean; next_attempt_at: Date }

/** The write-back ledger's claims and leases, against PostgreSQL. */
describe('the write-back ledger', () => {
  let it_: IntegrationApp;
  let ledger: WriteBacksRepository;
  const note = (caseId: string, more: Partial<NewWriteBack> = {}): NewWriteBack => ({
    accountId: `ledger-${T}`, source: 'zendesk-prod', vendor: 'zendesk', caseId, reason: 'acknowledged', alertId: 'alert-1', note: 'Sales is aware.', tag: null, status: 'pending', ...more,
  });

  beforeAll(async () => {
    it_ = await integrationApp('write-back-ledger', { imports: [NotifierConfigModule.forRoot(notifierConfig({ WRITE_BACK_POLL_MS: '3600000' })), IntakeModule] });
    ledger = it_.app.get(WriteBacksRepository);
    // Only these tests claim: the worker's own passes wait an hour.
  });

  afterAll(async () => {
    await it_?.close();
  });

  it('adds a note once per case, reason and alert, however often it is asked for', async () => {
    expect(await ledger.add([note('ZD-1'), note('ZD-2')])).toHaveLength(2);
    expect(await ledger.add([note('ZD-1'), note('ZD-2'), note('ZD-1', { reason: 'briefing' })])).toEqual([note('ZD-1', { reason: 'briefing' })]);
    const rows: { n: number }[] = await it_.db.query(`SELECT count(*)::int AS n FROM notifier.write_backs WHERE account_id = $1`, [`ledger-${T}`]);
    expect(rows[0].n).toBe(3);
    await it_.db.query(`DELETE FROM notifier.write_backs`);
  });

  it('never gives the same note to two workers claiming at once', async () => {
    await ledger.add(Array.from({ length: 30 }, (_, i) => note(`ZD-${100 + i}`)));
    const claims = await Promise.all([1, 2, 3].map(() => ledger.claimDue(12, 60_000)));
    const ids = claims.flat().map((n) => n.id);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
    expect(await ledger.claimDue(12, 60_000)).toEqual([]);
    await it_.db.query(`DELETE FROM notifier.write_backs`);
  });

  it('gives a crashed worker\'s note to the next claim once the lease ran out, in doubt, so it is looked for first', async () => {
    await ledger.add([note('ZD-200')]);
    const [first] = await ledger.claimDue(10, 300);
    expect(first).toMatchObject({ caseId: 'ZD-200', attempts: 1, wasInDoubt: false });
    // The worker dies here, recording nothing.
    expect(await ledger.claimDue(10, 300)).toEqual([]);
    await sleep(400);
    const [again] = await ledger.claimDue(10, 300);
    expect(again).toMatchObject({ id: first.id, attempts: 2, wasInDoubt: true });
    await ledger.markWritten(again.id, true);
    expect(await ledger.claimDue(10, 300)).toEqual([]);
    await it_.db.query(`DELETE FROM notifier.write_backs`);
  });

  it('retries at the time an outcome set, and takes back an attempt that was only put off', async () => {
    await ledger.add([note('ZD-300')]);
    const [claimed] = await ledger.claimDue(10, 60_000);
    await ledger.markRetry(claimed.id, new Date(Date.now() + 300), '503 from Zendesk', 503, true);
    expect(await ledger.claimDue(10, 60_000)).toEqual([]);
    await sleep(400);
    const [retried] = await ledger.claimDue(10, 60_000);
    expect(retried).toMatchObject({ attempts: 2, wasInDoubt: true });
    await ledger.defer(retried.id, new Date(Date.now() - 1), true, 'waiting: the circuit is open');
    const [deferred] = await ledger.claimDue(10, 60_000);
    expect(deferred).toMatchObject({ attempts: 2, wasInDoubt: true });
    expect(await ledger.queue()).toEqual([{ status: 'retrying', count: 1, oldestDueSeconds: 0 }]);
    // The delivery ledger's gauge shares the statement's shape (its FILTER once sat outside the aggregate, and the gauge read nothing).
    await expect(it_.app.get(NotificationsRepository).queue()).resolves.toEqual([]);
    await it_.db.query(`DELETE FROM notifier.write_backs`);
  });
});

/** Acknowledgements through the intake, notes written by the worker to a fake Zendesk over HTTP. */
describe('writing back to a helpdesk', () => {
  let it_: IntegrationApp;
  let consume: AlertsController;
  let zendesk: FakeHelpdesk;
  let seq = 0;
  const accountId = `wb-${T}`;
  const owner = `riley.${T}@sales.example`;

  const rows = (caseId?: string): Promise<Row[]> =>
    it_.db.query(`SELECT id, case_id, reason, status, attempts, in_doubt, last_error, vendor_status, found_on_case, next_attempt_at FROM notifier.write_backs
                  WHERE account_id = $1 AND ($2::text IS NULL OR case_id = $2) ORDER BY id`, [accountId, caseId ?? null]);

  /** A helpdesk source of the gateway's with write-back as the CLI stores it. */
  const helpdesk = async (name: string, mode: WriteBackMode, tag: string | null = null, supportHeadsUp = false) => {
    await it_.app.get(SourcesRepository).add(name, 'zendesk', null);
    await it_.app.get(WriteBackSettingsRepository).save(name, { ...NO_WRITE_BACK, mode, apiUrl: zendesk.url, apiUser: 'agent@acme.test', tag, supportHeadsUp },
      seal('zd-token', sealingKey(SECRET), sourceTokenContext(name)));
  };
  /** An open case as account-health keeps it, reported by `source`. */
  const openCase = async (caseId: string, source: string) => {
    await it_.db.query(`INSERT INTO health.events (source, id, type, account_key, account_id, subject_id, time, received_at, payload)
                        VALUES ($1, $2, 'forewarn.case.opened', $3, $3, $4, now(), now(), '{}')`, [`/sources/${source}`, `ev-${caseId}`, accountId, caseId]);
    await it_.db.query(`INSERT INTO health.cases (account_id, id, status, is_open, state) VALUES ($1, $2, 'open', true, '{}')`, [accountId, caseId]);
  };
  const acknowledge = async (alertId: string) => {
    const ack: AlertAcknowledged = {
      specversion: '1.0', type: 'forewarn.alert.acknowledged', id: `ack-${T}-${++seq}`, source: '/forewarn/dashboard', time: new Date().toISOString(),
      data: { alertId, accountId, state: 'firestorm', by: { name: 'Morgan Lee', email: `morgan.${T}@sales.example` }, via: 'dashboard' },
    };
    await consume.onAlerts(batchOf(ack));
    return ack;
  };

  beforeAll(async () => {
    zendesk = await startFakeHelpdesk('zendesk', { user: 'agent@acme.test', token: 'zd-token', cases: ['101', '102', '103', '104', '105', '106'] });
    const config = notifierConfig({
      FOREWARN_SECRET: SECRET, FOREWARN_OUTBOUND_ALLOW_HOSTS: '127.0.0.1', SENDER_POLL_MS: '3600000', SMTP_URL: 'smtp://127.0.0.1:9',
      WRITE_BACK_POLL_MS: '100', WRITE_BACK_TIMEOUT_MS: '500', WRITE_BACK_RETRY_FIRST_MS: '100', WRITE_BACK_BREAKER_FAILURES: '2', WRITE_BACK_BREAKER_COOLDOWN_MS: '1500',
    });
    it_ = await integrationApp('write-back-worker', { imports: [NotifierConfigModule.forRoot(config), IntakeModule, GatewayDataModule] });
    consume = it_.app.get(AlertsController);
    await helpdesk('zendesk-prod', 'on', 'forewarn-sales-aware');
    await helpdesk('zendesk-trial', 'dry-run');
    await helpdesk('zendesk-off', 'off');
    await helpdesk('zendesk-heads-up', 'on', null, true);
    // The alert the acknowledgements are about, with the account's owner and next meeting.
    await consume.onAlerts(batchOf(alertAbout(accountId, owner, { state: 'firestorm', nextMeeting: { id: 'm1', title: 'Renewal', startsAt: new Date(Date.now() + 86_400_000).toISOString(), kind: 'renewal', organizer: null } })));
  });

  afterAll(async () => {
    await it_?.close();
    await zendesk?.close();
  });

  afterEach(() => {
    expect(zendesk.violations).toEqual([]);
  });

  it('writes one private comment with the tag on each open case when sales acknowledges, and nothing again when the acknowledgement is redelivered', async () => {
    await openCase('ZD-101', 'zendesk-prod');
    await openCase('ZD-102', 'zendesk-prod');
    const ack = await acknowledge('alert-a');
    await consume.onAlerts(batchOf(ack));
    await eventually('both notes written', async () => (await rows()).every((r) => r.status === 'written') && (await rows()).length === 2);
    expect(zendesk.notesOn('101')).toHaveLength(1);
    expect(zendesk.notesOn('102')).toHaveLength(1);
    expect(zendesk.notesOn('101')[0]).toMatchObject({ internal: true, text: expect.stringContaining(`Sales is aware of this case: Morgan Lee <morgan.${T}@sales.example> acknowledged Forewarn's firestorm alert about ${accountId} Corp`) });
    expect(zendesk.notesOn('101')[0].text).toContain(`Whom to contact in sales: Riley Chen <${owner}>, the account owner.`);
    expect(zendesk.notesOn('101')[0].text).toMatch(/\(Written by Forewarn, forewarn:[0-9a-f]{16}\)$/);
    expect(zendesk.tags.get('101')).toEqual(['forewarn-sales-aware']);
  });

  it('records what a dry run would have written and writes nothing; a source that is off gets nothing at all', async () => {
    await openCase('ZD-103', 'zendesk-trial');
    await openCase('ZD-104', 'zendesk-off');
    await acknowledge('alert-b');
    const trial = await rows('ZD-103');
    expect(trial.map((r) => [r.reason, r.status])).toEqual([['acknowledged', 'dry_run']]);
    expect(await rows('ZD-104')).toEqual([]);
    await sleep(300);
    expect(zendesk.notesOn('103')).toEqual([]);
    expect(zendesk.notesOn('104')).toEqual([]);
    // Done with them: the next tests look at the prod source's cases only.
    await it_.db.query(`UPDATE health.cases SET is_open = false WHERE id IN ('ZD-103', 'ZD-104')`);
  });

  it('waits as long as a 429 says, then writes', async () => {
    await it_.db.query(`UPDATE health.cases SET is_open = false WHERE account_id = $1`, [accountId]);
    await openCase('ZD-105', 'zendesk-prod');
    zendesk.failNext({ status: 429, headers: { 'retry-after': '2' }, body: { error: 'TooManyRequests', description: 'Rate limit exceeded' } });
    const asked = Date.now();
    await acknowledge('alert-c');
    const [waiting] = await eventually('the 429 recorded', async () => some((await rows('ZD-105')).filter((r) => r.status === 'retrying')));
    expect(waiting).toMatchObject({ last_error: '429 from Zendesk (Rate limit exceeded)', vendor_status: 429, in_doubt: false });
    expect(waiting.next_attempt_at.getTime()).toBeGreaterThanOrEqual(asked + 2_000 - 50);
    await eventually('written after the wait', async () => (await rows('ZD-105'))[0].status === 'written', { timeoutMs: 10_000 });
    const writes = zendesk.requests.filter((r) => r.method === 'PUT' && r.path === '/api/v2/tickets/105.json');
    expect(writes).toHaveLength(2);
    expect(writes[1].at - writes[0].at).toBeGreaterThanOrEqual(2_000 - 50);
    expect(zendesk.notesOn('105')).toHaveLength(1);
  });

  it('writes a note once when the attempt that wrote it never heard back: the next attempt finds it on the case', async () => {
    zendesk.failNext('hold');
    await acknowledge('alert-d');
    await eventually('written', async () => (await rows('ZD-105')).find((r) => r.reason === 'acknowledged' && r.status === 'written' && r.found_on_case), { timeoutMs: 10_000 });
    expect(zendesk.notesOn('105')).toHaveLength(2);
    expect(zendesk.requests.filter((r) => r.path.startsWith('/api/v2/tickets/105/comments.json')).length).toBeGreaterThanOrEqual(1);
  });

  it('records a refusal for good, with the vendor\'s status', async () => {
    zendesk.failNext({ status: 401, body: { error: 'Couldn\'t authenticate you' } });
    await acknowledge('alert-e');
    const [failed] = await eventually('the failure recorded', async () => some((await rows('ZD-105')).filter((r) => r.status === 'failed')));
    expect(failed).toMatchObject({ last_error: '401 from Zendesk (Couldn\'t authenticate you)', vendor_status: 401, attempts: 1 });
  });

  it('leaves a helpdesk that keeps failing alone, and writes again once it answers', async () => {
    zendesk.failNext({ status: 503 }, 2);
    await acknowledge('alert-f');
    const [row] = await eventually('two failures', async () => some((await rows('ZD-105')).filter((r) => r.attempts >= 2 && r.status === 'retrying' && r.last_error?.startsWith('waiting'))), { timeoutMs: 10_000 });
    // The breaker opened after the second 503: the next attempt is put off without a call.
    expect(row.last_error).toMatch(/^waiting until \d\d:\d\d:\d\d UTC: Zendesk at http:\/\/127\.0\.0\.1:\d+ failed too often in a row$/);
    const callsWhileOpen = zendesk.requests.length;
    await eventually('written after the cool-down', async () => (await rows('ZD-105')).filter((r) => r.status === 'written').length === 3, { timeoutMs: 10_000 });
    expect(zendesk.requests.length - callsWhileOpen).toBeGreaterThanOrEqual(1);
    expect(zendesk.notesOn('105', 'acknowledged')).toHaveLength(3);
  });

  it('asks support to update the cases of an account that has just turned firestorm with a meeting ahead, where the source wants it', async () => {
    await openCase('ZD-106', 'zendesk-heads-up');
    const meeting = { id: 'm2', title: 'QBR', startsAt: new Date(Date.now() + 20 * 3_600_000).toISOString(), kind: 'qbr', organizer: null };
    const openCases = ['ZD-105', 'ZD-106'].map((id) => ({ id, title: null, url: null, severity: 1, status: 'open', escalationLevel: 2, openedAt: null, assignee: null }));
    const firestorm = alertAbout(accountId, owner, { state: 'firestorm', previousState: 'at_risk', nextMeeting: meeting, openCases });
    await consume.onAlerts(batchOf(firestorm, alertAbout(accountId, owner, { state: 'firestorm', previousState: 'firestorm', nextMeeting: meeting, openCases })));
    await eventually('the heads-up written', async () => (await rows('ZD-106')).find((r) => r.reason === 'heads-up' && r.status === 'written'));
    expect((await rows()).filter((r) => r.reason === 'heads-up').map((r) => r.case_id)).toEqual(['ZD-106']);
    expect(zendesk.notesOn('106', 'Heads-up from sales: wb-')).toHaveLength(1);
    expect(zendesk.notesOn('106')[0].text).toContain('is in a firestorm, with a meeting ahead: QBR');
    expect(zendesk.notesOn('106')[0].text).toContain('Please bring this case up to date before the meeting');
  });
});
