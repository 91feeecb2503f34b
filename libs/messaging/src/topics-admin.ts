import { TOPIC_PARTITIONS, type TopicName, topicsFor } from '@forewarn/contracts';
import type { Admin, Kafka } from 'kafkajs';

/**
 * Creates Forewarn's topics under a prefix and waits until every partition has a leader; returns
 * the names it created (idempotent). A broker that has just started may answer metadata for a new
 * topic with "does not host this topic-partition" for a moment (kafkajs' own `waitForLeaders` gives
 * up on that), so the leaders are polled here until a deadline.
 */
export async function ensureTopics(kafka: Kafka, prefix: string, replicationFactor = 1, timeoutMs = 30_000): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const names = topicsFor(prefix);
    const existing = new Set(await admin.listTopics());
    const missing = (Object.keys(names) as TopicName[]).filter((t) => !existing.has(names[t]));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: false,
        topics: missing.map((t) => ({
          topic: names[t],
          numPartitions: TOPIC_PARTITIONS[t],
          replicationFactor,
          configEntries: [{ name: 'min.insync.replicas', value: '1' }],
        })),
      });
    }
    await waitForLeaders(admin, Object.values(names), timeoutMs);
    return missing.map((t) => names[t]);
  } finally {
    await admin.disconnect();
  }
}

async function waitForLeaders(admin: Admin, topics: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no leader yet';
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      const leaderless = metadata.filter((t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0)).map((t) => t.name);
      if (leaderless.length === 0) return;
      lastError = `no leader yet for ${leaderless.join(', ')}`;
    } catch (error) {
      lastError = (error as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`Kafka topics not ready after ${timeoutMs} ms: ${lastError}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
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
