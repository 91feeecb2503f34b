import { TOPIC_PARTITIONS, TOPIC_RETENTION_DAYS, type TopicName, topicsFor } from '@forewarn/contracts';
import { type Admin, ConfigResourceTypes, ConfigSource, type Kafka } from 'kafkajs';

/** Days Kafka keeps each topic's messages; null: forever. */
export type TopicRetentionDays = Record<TopicName, number | null>;

export interface EnsuredTopics {
  /** Topics that did not exist and were created. */
  created: string[];
  /** Existing topics whose retention differed from the settings and was set to them. */
  retentionChanged: string[];
}

/** Kafka's `retention.ms` for a number of days (-1: forever). */
export const retentionMs = (days: number | null): string => (days === null ? '-1' : String(days * 86_400_000));

/**
 * Creates Forewarn's topics under a prefix, gives every topic the retention the settings say (on
 * creation, and on topics created before with another), and waits until every partition has a
 * leader (idempotent). A broker that has just started may answer metadata for a new topic with
 * "does not host this topic-partition" for a moment (kafkajs' own `waitForLeaders` gives up on
 * that), so the leaders are polled here until a deadline.
 */
export async function ensureTopics(
  kafka: Kafka,
  prefix: string,
  retention: TopicRetentionDays = TOPIC_RETENTION_DAYS,
  { replicationFactor = 1, timeoutMs = 30_000 }: { replicationFactor?: number; timeoutMs?: number } = {},
): Promise<EnsuredTopics> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const names = topicsFor(prefix);
    const existing = new Set(await admin.listTopics());
    const all = Object.keys(names) as TopicName[];
    const missing = all.filter((t) => !existing.has(names[t]));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: false,
        topics: missing.map((t) => ({
          topic: names[t],
          numPartitions: TOPIC_PARTITIONS[t],
          replicationFactor,
          configEntries: [{ name: 'min.insync.replicas', value: '1' }, { name: 'retention.ms', value: retentionMs(retention[t]) }],
        })),
      });
    }
    const retentionChanged = await alignRetention(admin, all.filter((t) => existing.has(names[t])).map((t) => ({ topic: names[t], retentionMs: retentionMs(retention[t]) })));
    await waitForLeaders(admin, Object.values(names), timeoutMs);
    return { created: missing.map((t) => names[t]), retentionChanged };
  } finally {
    await admin.disconnect();
  }
}

/**
 * Sets `retention.ms` where it differs. Kafka's AlterConfigs (what kafkajs speaks) replaces all of a
 * topic's own settings at once, so the others an operator set on the topic are sent along unchanged.
 */
async function alignRetention(admin: Admin, wanted: { topic: string; retentionMs: string }[]): Promise<string[]> {
  if (wanted.length === 0) return [];
  const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: wanted.map(({ topic }) => ({ type: ConfigResourceTypes.TOPIC, name: topic })) });
  const changes = wanted.flatMap(({ topic, retentionMs: value }) => {
    const entries = resources.find((r) => r.resourceName === topic)?.configEntries ?? [];
    if (entries.find((e) => e.configName === 'retention.ms')?.configValue === value) return [];
    const ownSettings = entries.filter((e) => e.configSource === ConfigSource.TOPIC_CONFIG && !e.isSensitive && e.configName !== 'retention.ms');
    return [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [...ownSettings.map((e) => ({ name: e.configName, value: e.configValue })), { name: 'retention.ms', value }] }];
  });
  if (changes.length > 0) await admin.alterConfigs({ validateOnly: false, resources: changes });
  return changes.map((c) => c.name);
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
