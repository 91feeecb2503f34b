import { TOPIC_PARTITIONS, type TopicName, topicsFor } from '@forewarn/contracts';
import type { Kafka } from 'kafkajs';

/** Creates Forewarn's topics under a prefix; returns the names it created (idempotent). */
export async function ensureTopics(kafka: Kafka, prefix: string, replicationFactor = 1): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const names = topicsFor(prefix);
    const existing = new Set(await admin.listTopics());
    const missing = (Object.keys(names) as TopicName[]).filter((t) => !existing.has(names[t]));
    if (missing.length === 0) return [];
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((t) => ({
        topic: names[t],
        numPartitions: TOPIC_PARTITIONS[t],
        replicationFactor,
        configEntries: [{ name: 'min.insync.replicas', value: '1' }],
      })),
    });
    return missing.map((t) => names[t]);
  } finally {
    await admin.disconnect();
  }
}

/** True when a metadata round trip to the cluster succeeds within the timeout. */
export async function kafkaReachable(kafka: Kafka, timeoutMs = 2000): Promise<boolean> {
  const admin = kafka.admin({ retry: { retries: 0 } });
  const attempt = (async () => {
    await admin.connect();
    await admin.describeCluster();
    return true;
  })();
  const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
  try {
    return await Promise.race([attempt, timeout]);
  } catch {
    return false;
  } finally {
    admin.disconnect().catch(() => undefined);
  }
}
