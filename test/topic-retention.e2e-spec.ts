import { topicsFor } from '@forewarn/contracts';
import { createKafka, ensureTopics } from '@forewarn/messaging';
import { type Admin, ConfigResourceTypes } from 'kafkajs';
import { join } from 'node:path';
import { run } from './support/image-steps';
import { REPO_ROOT, TEST_KAFKA_BROKERS } from './support/paths';
import { testTag } from './support/services';

const DAY_MS = 86_400_000;

/**
 * How long Kafka keeps each topic, on a real broker: what `forewarn topics` sets when it creates the
 * topics, what it changes on topics created before with another retention (an install from before
 * retention was set kept events.v1 only as long as the broker's default), and what it leaves alone.
 */
describe('topic retention', () => {
  const kafka = createKafka({ brokers: TEST_KAFKA_BROKERS.split(','), clientId: 'test-topic-retention' });
  const prefixes: string[] = [];
  let admin: Admin;

  const newPrefix = () => {
    const prefix = `test.${testTag('retention')}.${prefixes.length}.`;
    prefixes.push(prefix);
    return prefix;
  };
  /** Each topic's settings as the broker reports them: name → value, for the names asked. */
  const settings = async (topic: string, names: string[]) => {
    const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: names }] });
    return Object.fromEntries(resources[0].configEntries.map((e) => [e.configName, e.configValue]));
  };
  const retention = async (prefix: string) => {
    const topics = topicsFor(prefix);
    return {
      events: (await settings(topics.events, ['retention.ms']))['retention.ms'],
      health: (await settings(topics.health, ['retention.ms']))['retention.ms'],
      alerts: (await settings(topics.alerts, ['retention.ms']))['retention.ms'],
      dlq: (await settings(topics.dlq, ['retention.ms']))['retention.ms'],
    };
  };
  const forewarnTopics = (prefix: string, env: NodeJS.ProcessEnv = {}) =>
    run(process.execPath, [join(REPO_ROOT, 'dist/apps/forewarn/src/main.js'), 'topics'], {
      cwd: REPO_ROOT, env: { PATH: process.env.PATH, KAFKA_BROKERS: TEST_KAFKA_BROKERS, FOREWARN_TOPIC_PREFIX: prefix, ...env }, timeoutMs: 60_000,
    });

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    const ours = (await admin.listTopics()).filter((topic) => prefixes.some((prefix) => topic.startsWith(prefix)));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours }).catch(() => undefined);
    await admin.disconnect();
  });

  it('keeps the events topic forever and the others for days when it creates them, and changes nothing when run again', async () => {
    const prefix = newPrefix();
    const first = await ensureTopics(kafka, prefix);
    expect(first).toEqual({ created: Object.values(topicsFor(prefix)), retentionChanged: [] });
    expect(await retention(prefix)).toEqual({ events: '-1', health: String(7 * DAY_MS), alerts: String(7 * DAY_MS), dlq: String(28 * DAY_MS) });
    expect(await ensureTopics(kafka, prefix)).toEqual({ created: [], retentionChanged: [] });
  });

  it('sets the retention of topics created before with another, keeping the other settings an operator gave them', async () => {
    const prefix = newPrefix();
    const topics = topicsFor(prefix);
    // As an install from before: events.v1 kept only a week (the broker's default), and a segment size someone chose.
    await admin.createTopics({ topics: [{ topic: topics.events, numPartitions: 2, replicationFactor: 1, configEntries: [{ name: 'retention.ms', value: String(7 * DAY_MS) }, { name: 'segment.ms', value: String(DAY_MS) }] }] });

    const ensured = await ensureTopics(kafka, prefix);
    expect(ensured).toEqual({ created: [topics.health, topics.alerts, topics.dlq], retentionChanged: [topics.events] });
    expect(await settings(topics.events, ['retention.ms', 'segment.ms'])).toEqual({ 'retention.ms': '-1', 'segment.ms': String(DAY_MS) });
    const [events] = (await admin.fetchTopicMetadata({ topics: [topics.events] })).topics;
    expect(events.partitions).toHaveLength(2); // partitions are the operator's to add (docs/OPERATIONS.md)
  });

  it('takes the retention from the settings in `forewarn topics`, and says what it set', async () => {
    const prefix = newPrefix();
    const topics = topicsFor(prefix);
    const created = await forewarnTopics(prefix, { FOREWARN_RETENTION_EVENTS_TOPIC_DAYS: '3650', FOREWARN_RETENTION_DLQ_TOPIC_DAYS: '3' });
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toEqual({
      topics: Object.values(topics),
      created: Object.values(topics),
      retentionChanged: [],
      retentionDays: { [topics.events]: 3650, [topics.health]: 7, [topics.alerts]: 7, [topics.dlq]: 3 },
    });
    expect(await retention(prefix)).toEqual({ events: String(3650 * DAY_MS), health: String(7 * DAY_MS), alerts: String(7 * DAY_MS), dlq: String(3 * DAY_MS) });

    const changed = await forewarnTopics(prefix, { FOREWARN_RETENTION_EVENTS_TOPIC_DAYS: 'forever' });
    expect(JSON.parse(changed.stdout)).toMatchObject({ created: [], retentionChanged: [topics.events, topics.dlq] });
    expect(await retention(prefix)).toEqual({ events: '-1', health: String(7 * DAY_MS), alerts: String(7 * DAY_MS), dlq: String(28 * DAY_MS) });

    const refused = await forewarnTopics(prefix, { FOREWARN_RETENTION_ALERTS_TOPIC_DAYS: '0' });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('FOREWARN_RETENTION_ALERTS_TOPIC_DAYS must be a whole number of days (at least 1) or forever');
  });
});
