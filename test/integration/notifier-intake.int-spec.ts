import type { AccountSnoozed, AlertAcknowledged, PreferencesUpdated } from '@forewarn/contracts';
import { AlertsController } from '../../apps/notifier/src/intake/alerts.controller';
import { IntakeModule } from '../../apps/notifier/src/intake/intake.module';
import { NotifierConfigModule } from '../../apps/notifier/src/notifier.config';
import { type IntegrationApp, integrationApp } from '../support/integration';
import { alertAbout, batchOf, notifierConfig, tracedBatchOf } from '../support/notifier-fixtures';

interface LedgerRow {
  id: string;
  alert_id: string;
  recipient: string;
  status: string;
  outcome_note: string | null;
  next_attempt_at: Date;
  superseded_by: string | null;
}

const GROUP_WAIT_MS = 60_000;
const T = Date.now().toString(36);

/** The intake as the alerts topic's consumer drives it, against PostgreSQL: alert batches in, the delivery ledger out. */
describe('notifier intake: alert batches become the delivery ledger', () => {
  let it_: IntegrationApp;
  let consume: AlertsController;

  beforeAll(async () => {
    // Nothing falls due while the tests look (a long group wait; the sender polls rarely).
    const config = notifierConfig({ NOTIFY_GROUP_WAIT_MS: String(GROUP_WAIT_MS), SENDER_POLL_MS: '3600000', SMTP_URL: 'smtp://127.0.0.1:9' });
    it_ = await integrationApp('notifier-intake', { imports: [NotifierConfigModule.forRoot(config), IntakeModule] });
    consume = it_.app.get(AlertsController);
  });

  afterAll(async () => {
    await it_?.close();
  });

  const ledger = (accountId: string): Promise<LedgerRow[]> =>
    it_.db.query('SELECT id, alert_id, recipient, status, outcome_note, next_attempt_at, superseded_by FROM notifier.notifications WHERE account_id = $1 ORDER BY id', [accountId]);

  const feedback = { specversion: '1.0' as const, source: '/forewarn/dashboard', time: new Date().toISOString() };

  it('queues one notification per recipient of ours, and records a customer on the account team as dropped', async () => {
    const alert = alertAbout(`acme-${T}`, 'riley@sales.example', {
      members: [{ name: 'Jo', email: 'jo@sales.example' }, { name: 'Dana', email: 'dana@customer.example' }],
    });
    const before = Date.now();
    expect(await consume.onAlerts(batchOf(alert))).toEqual({ rejected: [] });

    const rows = await ledger(`acme-${T}`);
    expect(rows.map((r) => [r.recipient, r.status])).toEqual([
      ['dana@customer.example', 'dropped'],
      ['riley@sales.example', 'pending'],
      ['jo@sales.example', 'pending'],
    ]);
    expect(rows[0].outcome_note).toMatch(/customer\.example/);
    // Queued to go after the group wait, in case more about the account follows.
    for (const row of rows.slice(1)) expect(new Date(row.next_attempt_at).getTime()).toBeGreaterThanOrEqual(before + GROUP_WAIT_MS);

    // Kafka delivers at least once: the same alert again is a no-op.
    await consume.onAlerts(batchOf(alert));
    expect(await ledger(`acme-${T}`)).toEqual(rows);
  });

  it('keeps the trace each alert came in with its notifications, dropped ones too, for the delivery to go on in', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const traced = alertAbout(`traced-${T}`, 'riley@sales.example', { members: [{ name: 'Dana', email: 'dana@customer.example' }] });
    await consume.onAlerts(tracedBatchOf(traceparent, traced));
    await consume.onAlerts(batchOf(alertAbout(`untraced-${T}`, 'riley@sales.example')));
    const rows: { account_id: string; status: string; traceparent: string | null }[] = await it_.db.query(
      'SELECT account_id, status, traceparent FROM notifier.notifications WHERE account_id IN ($1, $2) ORDER BY id', [`traced-${T}`, `untraced-${T}`],
    );
    expect(rows).toEqual([
      { account_id: `traced-${T}`, status: 'dropped', traceparent },
      { account_id: `traced-${T}`, status: 'pending', traceparent },
      { account_id: `untraced-${T}`, status: 'pending', traceparent: null },
    ]);
  });

  it('turns a burst about one account into one waiting notification with the latest alert, due when the first was', async () => {
    const account = `burst-${T}`;
    const burst = (['watch', 'at_risk', 'firestorm'] as const).map((state) => alertAbout(account, 'sam@sales.example', { state }));
    await consume.onAlerts(batchOf(burst[0]));
    await consume.onAlerts(batchOf(burst[1], burst[2]));

    const rows = await ledger(account);
    expect(rows.map((r) => r.status)).toEqual(['superseded', 'superseded', 'pending']);
    expect(rows.map((r) => r.superseded_by)).toEqual([rows[1].id, rows[2].id, null]);
    expect(rows[2].alert_id).toBe(burst[2].id);
    expect(rows[2].next_attempt_at).toEqual(rows[0].next_attempt_at);
  });

  it('holds a notification through the recipient’s quiet hours', async () => {
    const hhmm = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString().slice(11, 16);
    const quietHours = { start: hhmm(-3_600_000), end: hhmm(3 * 3_600_000) };
    const preferences: PreferencesUpdated = {
      ...feedback, id: `prefs-${T}`, type: 'forewarn.preferences.updated',
      data: { email: 'night.owl@sales.example', mode: 'immediate', quietHours, timeZone: 'UTC', chat: null },
    };
    await consume.onAlerts(batchOf(preferences, alertAbout(`quiet-${T}`, 'night.owl@sales.example')));

    const [row] = await ledger(`quiet-${T}`);
    expect(row.status).toBe('pending');
    expect(new Date(row.next_attempt_at).toISOString().slice(11, 16)).toBe(quietHours.end);
    expect(new Date(row.next_attempt_at).getTime()).toBeGreaterThan(Date.now() + 2 * 3_600_000);
  });

  it('keeps the newest preferences when an older update arrives late', async () => {
    const email = `late.${T}@sales.example`;
    const update = (mode: 'immediate' | 'digest', time: string): PreferencesUpdated => ({
      ...feedback, time, id: `prefs-${mode}-${T}`, type: 'forewarn.preferences.updated', data: { email, mode, quietHours: null, timeZone: null, chat: null },
    });
    await consume.onAlerts(batchOf(update('digest', '2026-01-02T10:00:00.000Z')));
    await consume.onAlerts(batchOf(update('immediate', '2026-01-01T10:00:00.000Z')));
    expect(await it_.db.query('SELECT mode FROM notifier.preferences WHERE email = $1', [email])).toEqual([{ mode: 'digest' }]);
  });

  it('records acknowledgements and snoozes, and forgets them when the account recovers', async () => {
    const account = `ack-${T}`;
    const by = { name: 'Riley Chen', email: 'Riley@Sales.example' };
    const ack: AlertAcknowledged = { ...feedback, id: `ack-${T}`, type: 'forewarn.alert.acknowledged', data: { alertId: 'a-1', accountId: account, state: 'at_risk', by, via: 'email' } };
    const snooze: AccountSnoozed = {
      ...feedback, id: `snooze-${T}`, type: 'forewarn.account.snoozed', data: { accountId: account, state: 'at_risk', by, until: new Date(Date.now() + 86_400_000).toISOString(), via: 'dashboard' },
    };
    await consume.onAlerts(batchOf(ack, snooze));
    expect(await it_.db.query('SELECT by_email, state, via FROM notifier.acknowledgements WHERE account_id = $1', [account])).toEqual([{ by_email: 'riley@sales.example', state: 'at_risk', via: 'email' }]);
    expect(await it_.db.query('SELECT email, via FROM notifier.snoozes WHERE account_id = $1', [account])).toEqual([{ email: 'riley@sales.example', via: 'dashboard' }]);

    await consume.onAlerts(batchOf(alertAbout(account, 'riley@sales.example', { kind: 'all-clear', state: 'healthy', previousState: 'at_risk' })));
    expect(await it_.db.query('SELECT 1 FROM notifier.acknowledgements WHERE account_id = $1 UNION ALL SELECT 1 FROM notifier.snoozes WHERE account_id = $1', [account])).toEqual([]);
  });

  it('rejects what it cannot read, with the reason, and applies the rest of the batch', async () => {
    const alert = alertAbout(`mixed-${T}`, 'kim@sales.example');
    const batch = batchOf('not json', JSON.stringify({ type: 'forewarn.alert.raised', data: { kind: 'shout' } }), alert);
    const outcome = await consume.onAlerts(batch);
    expect(outcome.rejected.map((r) => [r.message.offset, r.reason.split(':')[0]])).toEqual([['0', 'value is not valid JSON'], ['1', 'invalid forewarn.alert.raised']]);
    expect((await ledger(`mixed-${T}`)).map((r) => r.status)).toEqual(['pending']);
  });
});
