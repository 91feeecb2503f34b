import type { Kafka } from 'kafkajs';
import { KafkaUnavailableError, Publisher } from './publisher';

type Batch = { topicMessages: { topic: string; messages: { key: string }[] }[] };

/** Stand-in producers that record each send and let the test decide when Kafka answers. */
function fakeKafka() {
  const sends: { topic: string; keys: string[] }[][] = [];
  const answers: { resolve: () => void; reject: (e: Error) => void }[] = [];
  const producers: { disconnected: boolean; sent: number }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const sendBatch = ({ topicMessages }: Batch) => {
    sends.push(topicMessages.map((t) => ({ topic: t.topic, keys: t.messages.map((m) => m.key) })));
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    return new Promise<void>((resolve, reject) => answers.push({ resolve: () => (inFlight--, resolve()), reject: (e) => (inFlight--, reject(e)) }));
  };
  const producer = () => {
    const record = { disconnected: false, sent: 0 };
    producers.push(record);
    return {
      on: () => undefined,
      connect: async () => undefined,
      disconnect: async () => void (record.disconnected = true),
      sendBatch: (batch: Batch) => (record.sent++, sendBatch(batch)),
    };
  };
  return { kafka: { producer } as unknown as Kafka, sends, answers, producers, maxInFlight: () => maxInFlight };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const msg = (key: string) => ({ key, value: `{"k":"${key}"}` });

describe('publisher: group commit on one idempotent producer', () => {
  it('sends one request at a time and groups what arrived meanwhile into the next', async () => {
    const { kafka, sends, answers, maxInFlight } = fakeKafka();
    const publisher = new Publisher(kafka);
    const first = publisher.publish([{ topic: 'events', messages: [msg('a')] }]);
    await tick();
    const second = publisher.publish([{ topic: 'events', messages: [msg('b')] }]);
    const third = publisher.publish([{ topic: 'alerts', messages: [msg('c')] }, { topic: 'events', messages: [msg('d')] }]);
    await tick();
    expect(sends).toHaveLength(1);
    answers[0].resolve();
    await first;
    await tick();
    expect(sends[1]).toEqual([{ topic: 'events', keys: ['b', 'd'] }, { topic: 'alerts', keys: ['c'] }]);
    answers[1].resolve();
    await Promise.all([second, third]);
    expect(maxInFlight()).toBe(1);
  });

  it('fails every caller of a failed send with KafkaUnavailableError, and carries on', async () => {
    const { kafka, answers } = fakeKafka();
    const publisher = new Publisher(kafka);
    const first = publisher.publish([{ topic: 'events', messages: [msg('a')] }]);
    await tick();
    answers[0].reject(new Error('broker down'));
    await expect(first).rejects.toBeInstanceOf(KafkaUnavailableError);
    const next = publisher.publish([{ topic: 'events', messages: [msg('b')] }]);
    await tick();
    answers[1].resolve();
    await expect(next).resolves.toBeUndefined();
  });

  it('retires the producer of a failed send, so the next send cannot reuse its sequence numbers', async () => {
    const { kafka, answers, producers } = fakeKafka();
    const publisher = new Publisher(kafka);
    const first = publisher.publish([{ topic: 'events', messages: [msg('a')] }]);
    await tick();
    answers[0].reject(new Error('request timed out'));
    await expect(first).rejects.toBeInstanceOf(KafkaUnavailableError);
    const next = publisher.publish([{ topic: 'events', messages: [msg('b')] }]);
    await tick();
    answers[1].resolve();
    await next;
    expect(producers.map(({ disconnected, sent }) => ({ disconnected, sent }))).toEqual([{ disconnected: true, sent: 1 }, { disconnected: false, sent: 1 }]);
  });
});
