import { MAIL_HEADER } from '@forewarn/contracts';
import { DatabaseModule, NotificationsRepository, NotifierDataModule } from '@forewarn/database';
import { recordSpans, stopTelemetry } from '@forewarn/service-kit';
import { type MailSink, startMailSink } from '@forewarn/devstack';
import { Test, type TestingModule } from '@nestjs/testing';
import { DeliveryModule } from '../../apps/notifier/src/delivery/delivery.module';
import { NotifierConfigModule } from '../../apps/notifier/src/notifier.config';
import { type IntegrationApp, integrationApp, TestKitModule } from '../support/integration';
import { alertAbout, notifierConfig, ownerOf } from '../support/notifier-fixtures';
import { eventually, freePort, sleep } from '../support/services';

const T = Date.now().toString(36);

/** Queues one notification, due now, for a recipient of ours (in the trace `traceparent` names, if any). */
const queue = (ledger: NotificationsRepository, accountId: string, owner: string, traceparent: string | null = null): Promise<string | null> => {
  const alert = alertAbout(accountId, owner);
  return ledger.add(alert, ownerOf(alert), new Date(), traceparent);
};

describe('the delivery ledger’s leases', () => {
  let it_: IntegrationApp;
  let ledger: NotificationsRepository;

  beforeAll(async () => {
    it_ = await integrationApp('notifier-leases', { imports: [NotifierDataModule] });
    ledger = it_.app.get(NotificationsRepository);
  });

  afterAll(async () => {
    await it_?.close();
  });

  it('never gives the same row to two senders claiming at once', async () => {
    for (let i = 0; i < 40; i++) await queue(ledger, `race-${T}`, `rep${i}@sales.example`);
    // Four claims at the same moment, each on a connection of its own (none runs in a transaction).
    const claims = await Promise.all([1, 2, 3, 4].map(() => ledger.claimDue(15, 60_000)));
    const ids = claims.flat().map((n) => n.id);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
    expect(await ledger.claimDue(15, 60_000)).toEqual([]);
  });

  it('gives a crashed sender’s row to the next claim once the lease has run out, not before', async () => {
    const id = await queue(ledger, `crash-${T}`, 'riley@sales.example');
    expect((await ledger.claimDue(10, 300)).map((n) => [n.id, n.attempts])).toEqual([[id, 1]]);
    // The sender dies here, recording nothing.
    expect(await ledger.claimDue(10, 300)).toEqual([]);
    await sleep(400);
    expect((await ledger.claimDue(10, 300)).map((n) => [n.id, n.attempts])).toEqual([[id, 2]]);
  });
});

/** Two notifiers' senders on one database, mailing through the development mail sink over real SMTP. */
describe('senders delivering over SMTP', () => {
  let first: IntegrationApp;
  let second: TestingModule;
  let sink: MailSink;
  let smtpPort: number;
  let spans: ReturnType<typeof recordSpans>;

  beforeAll(async () => {
    spans = recordSpans('notifier');
    smtpPort = await freePort();
    sink = await startMailSink({ smtpPort, httpPort: 0 });
    const delivery = [NotifierConfigModule.forRoot(notifierConfig({ SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, SENDER_POLL_MS: '50', SMTP_RETRY_MAX_MS: '500' })), DeliveryModule];
    first = await integrationApp('notifier-senders', { imports: delivery });
    second = await Test.createTestingModule({
      imports: [TestKitModule, DatabaseModule.forRoot({ url: first.database.url, applicationName: 'forewarn-it-second-sender', poolSize: 2 }), ...delivery],
    }).compile();
    await second.init();
  });

  afterAll(async () => {
    await second?.close();
    await first?.close();
    await sink?.stop();
    await stopTelemetry();
  });

  const ledgerRows = (accountId: string): Promise<{ recipient: string; status: string; attempts: number; last_error: string | null; next_attempt_at: Date; now: Date }[]> =>
    first.db.query('SELECT recipient, status, attempts, last_error, next_attempt_at, now() AS now FROM notifier.notifications WHERE account_id = $1 ORDER BY id', [accountId]);
  const mailsTo = (address: string) => sink.messages().filter((m) => m.to.includes(address));

  it('delivers every due notification exactly once between them', async () => {
    const ledger = first.app.get(NotificationsRepository);
    const owners = Array.from({ length: 12 }, (_, i) => `team${i}.${T}@sales.example`);
    for (const owner of owners) await queue(ledger, `shared-${T}`, owner);

    await eventually('every notification sent', async () => (await ledgerRows(`shared-${T}`)).every((r) => r.status === 'sent'), { timeoutMs: 15_000, intervalMs: 50 });
    await sleep(300);
    for (const owner of owners) expect(mailsTo(owner)).toHaveLength(1);
    expect((await ledgerRows(`shared-${T}`)).map((r) => r.attempts)).toEqual(owners.map(() => 1));
  });

  it('keeps a mail retrying with backoff while SMTP is down, and sends it once when it is back', async () => {
    await sink.stop();
    const owner = `outage.${T}@sales.example`;
    await queue(first.app.get(NotificationsRepository), `outage-${T}`, owner);

    const [waiting] = await eventually('the failed attempt recorded', async () => {
      const rows = await ledgerRows(`outage-${T}`);
      return rows[0]?.status === 'retrying' ? rows : null;
    }, { timeoutMs: 10_000, intervalMs: 50 });
    expect(waiting.last_error).toMatch(/ECONNREFUSED|connect/i);
    // The first retry waits 5 s, capped here at SMTP_RETRY_MAX_MS (0.5 s): not claimed again at once.
    const waitMs = new Date(waiting.next_attempt_at).getTime() - new Date(waiting.now).getTime();
    expect(waitMs).toBeGreaterThan(0);
    expect(waitMs).toBeLessThanOrEqual(500);

    sink = await startMailSink({ smtpPort, httpPort: 0 });
    const [sent] = await eventually('the mail sent once SMTP is back', async () => {
      const rows = await ledgerRows(`outage-${T}`);
      return rows[0]?.status === 'sent' ? rows : null;
    }, { timeoutMs: 15_000, intervalMs: 50 });
    expect(sent.attempts).toBeGreaterThanOrEqual(2);
    await sleep(300);
    expect(mailsTo(owner)).toHaveLength(1);
  });

  it('delivers each mail in the trace of its alert and names it in X-Forewarn-Trace-Id; a notification without one gets a trace of its own', async () => {
    const ledger = first.app.get(NotificationsRepository);
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await queue(ledger, `traced-${T}`, `traced.${T}@sales.example`, traceparent);
    await queue(ledger, `untraced-${T}`, `untraced.${T}@sales.example`);
    const traced = await eventually('the traced mail', async () => mailsTo(`traced.${T}@sales.example`)[0], { timeoutMs: 15_000, intervalMs: 50 });
    const untraced = await eventually('the untraced mail', async () => mailsTo(`untraced.${T}@sales.example`)[0], { timeoutMs: 15_000, intervalMs: 50 });

    expect(traced.headers[MAIL_HEADER.traceId.toLowerCase()]).toBe('0af7651916cd43dd8448eb211c80319c');
    // The span ends once the notifier hears the SMTP answer, which can be just after the sink holds the mail.
    const delivery = await eventually('the delivery span ended', async () =>
      spans.finished().find((s) => s.name === 'deliver notification' && s.spanContext().traceId === '0af7651916cd43dd8448eb211c80319c'), { timeoutMs: 5_000, intervalMs: 20 });
    expect(delivery.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    const ownTrace = untraced.headers[MAIL_HEADER.traceId.toLowerCase()];
    expect(ownTrace).toMatch(/^[0-9a-f]{32}$/);
    expect(ownTrace).not.toBe('0af7651916cd43dd8448eb211c80319c');
  });
});
