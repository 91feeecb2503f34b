import type { AccountHealthConfig } from '@forewarn/config';
import { topicsFor } from '@forewarn/contracts';
import { HealthDataModule, OutboxRepository, TxHost } from '@forewarn/database';
import type { Publisher } from '@forewarn/messaging';
import { Metrics } from '@forewarn/service-kit';
import type { TopicMessages } from 'kafkajs';
import { OutboxRelay } from '../../apps/account-health/src/outbox/outbox-relay';
import { type IntegrationApp, integrationApp } from '../support/integration';

/** Kafka as the relay sees it: what it acknowledged, and a way to fail or hold a publish. */
class FakePublisher {
  readonly published: TopicMessages[] = [];
  failNext: Error | null = null;
  holdNext: Promise<void> | null = null;

  async publish(batches: TopicMessages[]): Promise<void> {
    const failure = this.failNext;
    const hold = this.holdNext;
    this.failNext = null;
    this.holdNext = null;
    await hold;
    if (failure) throw failure;
    this.published.push(...batches);
  }

  values(): string[] {
    return this.published.flatMap((batch) => batch.messages.map((m) => String(m.value)));
  }
}

/**
 * The relay's claim/delete cycle on PostgreSQL: rows taken `FOR UPDATE SKIP LOCKED`, deleted in the
 * same transaction only after Kafka acknowledged them.
 */
describe('the outbox relay', () => {
  let it_: IntegrationApp;
  let outbox: OutboxRepository;
  const topics = topicsFor('it.');
  const relay = (publisher: FakePublisher) =>
    new OutboxRelay(it_.app.get(TxHost), outbox, publisher as unknown as Publisher, topics, { OUTBOX_POLL_MS: 60_000 } as AccountHealthConfig, it_.app.get(Metrics));
  const waiting = async () => ((await it_.db.query('SELECT key FROM health.outbox ORDER BY id')) as { key: string }[]).map((r) => r.key);
  const enqueue = (...keys: string[]) => outbox.enqueue(keys.map((key, i) => ({ topic: i % 2 === 0 ? 'health' : 'alerts', key, value: { key }, traceparent: null })));

  beforeAll(async () => {
    it_ = await integrationApp('outbox-relay', { imports: [HealthDataModule] });
    outbox = it_.app.get(OutboxRepository);
  });

  afterAll(async () => {
    await it_?.close();
  });

  beforeEach(() => it_.db.query('TRUNCATE health.outbox'));

  it('publishes the oldest messages, by topic, as the text they were stored as, and deletes them', async () => {
    const kafka = new FakePublisher();
    await enqueue('a', 'b', 'c');
    expect(await relay(kafka).publishOnce()).toBe(3);
    expect(kafka.published).toEqual([
      { topic: topics.health, messages: [{ key: 'a', value: '{"key":"a"}' }, { key: 'c', value: '{"key":"c"}' }] },
      { topic: topics.alerts, messages: [{ key: 'b', value: '{"key":"b"}' }] },
    ]);
    expect(await waiting()).toEqual([]);
    expect(await relay(kafka).publishOnce()).toBe(0);
  });

  it('keeps the messages when Kafka does not acknowledge them, and publishes them on the next pass', async () => {
    const kafka = new FakePublisher();
    await enqueue('a', 'b');
    kafka.failNext = new Error('the broker is not available');
    await expect(relay(kafka).publishOnce()).rejects.toThrow('not available');
    expect(await waiting()).toEqual(['a', 'b']);
    expect(await relay(kafka).publishOnce()).toBe(2);
    expect(kafka.values()).toEqual(['{"key":"a"}', '{"key":"b"}']);
    expect(await waiting()).toEqual([]);
  });

  it('lets two relays work at once without publishing a message twice: each skips the rows the other holds', async () => {
    const first = new FakePublisher();
    const second = new FakePublisher();
    let release!: () => void;
    first.holdNext = new Promise((resolve) => (release = resolve));
    await enqueue('a', 'b', 'c');
    const held = relay(first).publishOnce(); // takes a, b, c and waits for Kafka
    await new Promise((resolve) => setTimeout(resolve, 200));
    await enqueue('d', 'e');
    expect(await relay(second).publishOnce()).toBe(2);
    expect(second.values()).toEqual(['{"key":"d"}', '{"key":"e"}']);
    release();
    expect(await held).toBe(3);
    expect(first.values()).toEqual(['{"key":"a"}', '{"key":"c"}', '{"key":"b"}']);
    expect(await waiting()).toEqual([]);
  });

  it('publishes each message in the trace of what caused it: its traceparent as a header, none when it has none', async () => {
    const kafka = new FakePublisher();
    const cause = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await outbox.enqueue([{ topic: 'alerts', key: 'acme', value: { key: 'acme' }, traceparent: cause }, { topic: 'alerts', key: 'globex', value: { key: 'globex' }, traceparent: null }]);
    expect(await relay(kafka).publishOnce()).toBe(2);
    expect(kafka.published).toEqual([{ topic: topics.alerts, messages: [{ key: 'acme', value: '{"key":"acme"}', headers: { traceparent: cause } }, { key: 'globex', value: '{"key":"globex"}' }] }]);
  });
});
