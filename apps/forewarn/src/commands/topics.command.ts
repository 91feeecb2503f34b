import { createKafka, ensureTopics } from '@forewarn/messaging';
import { topicRetentionDays } from '@forewarn/config';
import { type TopicName, topicsFor } from '@forewarn/contracts';
import type { Command } from 'commander';
import { cliConfig, printJson, withApp } from '../cli-support';

export function registerTopicsCommand(program: Command): void {
  program
    .command('topics')
    .description('create the Kafka topics and set their retention (idempotent)')
    .action(async () => {
      const config = cliConfig();
      const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'forewarn-cli' });
      const retention = topicRetentionDays(config);
      const { created, retentionChanged } = await ensureTopics(kafka, config.FOREWARN_TOPIC_PREFIX, retention);
      const names = topicsFor(config.FOREWARN_TOPIC_PREFIX);
      const retentionDays = Object.fromEntries((Object.keys(names) as TopicName[]).map((t) => [names[t], retention[t] ?? 'forever']));
      printJson({ topics: Object.values(names), created, retentionChanged, retentionDays });
    });

  program
    .command('migrate')
    .description('create the database if needed and apply pending migrations')
    .action(async () => {
      // Opening the database creates it if needed and applies pending migrations.
      await withApp([], async () => undefined);
      printJson({ migrated: true, database: new URL(cliConfig().DATABASE_URL).pathname.slice(1) });
    });
}
