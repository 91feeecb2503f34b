import { type InboundEvent, topicsFor } from '@forewarn/contracts';
import { createKafka, eventMessage, KafkaUnavailableError, Publisher } from '@forewarn/messaging';
import type { Kafka } from 'kafkajs';
import { CliError, cliConfig } from '../cli-support';

/** Publishes events on `<prefix>events.v1` as the gateway does (keyed by account, acks from all in-sync replicas); a CliError when Kafka cannot take them. */
export type PublishEvents = (events: InboundEvent[], correlationId: string) => Promise<void>;

/**
 * Runs `work` with a publisher to `<prefix>events.v1` (the idempotent publisher the gateway uses),
 * after checking the topic exists; disconnects when `work` ends.
 */
/** Fails with one clear line when Kafka cannot be reached or `topic` was never created. */
export async function ensureTopicExists(kafka: Kafka, topic: string, brokers: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    if (!(await admin.listTopics()).includes(topic)) throw new CliError(`topic ${topic} does not exist (run: forewarn topics)`);
  } catch (error) {
    throw error instanceof CliError ? error : new CliError(`Kafka is unavailable at ${brokers.join(',')}: ${(error as Error).message}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export async function withEventsPublisher<T>(work: (publish: PublishEvents, topic: string) => Promise<T>): Promise<T> {
  const config = cliConfig();
  const topic = topicsFor(config.FOREWARN_TOPIC_PREFIX).events;
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'forewarn-cli' });
  await ensureTopicExists(kafka, topic, config.KAFKA_BROKERS);
  const publisher = new Publisher(kafka);
  const publish: PublishEvents = async (events, correlationId) => {
    if (events.length === 0) return;
    try {
      await publisher.publish([{ topic, messages: events.map((event) => eventMessage(event, correlationId)) }]);
    } catch (error) {
      if (error instanceof KafkaUnavailableError) throw new CliError(`${error.message}; nothing was published, run the command again`);
      throw error;
    }
  };
  try {
    return await work(publish, topic);
  } finally {
    await publisher.disconnect().catch(() => undefined);
  }
}
