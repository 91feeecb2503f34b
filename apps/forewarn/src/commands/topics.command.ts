import { createKafka, ensureTopics } from '@forewarn/messaging';
import { topicsFor } from '@forewarn/contracts';
import type { Command } from 'commander';
import { cliConfig, printJson, withDatabase } from '../cli-support';

export function registerTopicsCommand(program: Command): void {
  program
    .command('topics')
    .description('create the Kafka topics (idempotent)')
    .action(async () => {
      const config = cliConfig();
      const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'forewarn-cli' });
      const created = await ensureTopics(kafka, config.FOREWARN_TOPIC_PREFIX);
      printJson({ topics: Object.values(topicsFor(config.FOREWARN_TOPIC_PREFIX)), created });
    });

  program
    .command('migrate')
    .description('create the database if needed and apply pending migrations')
    .action(async () => {
      await withDatabase(async () => undefined);
      printJson({ migrated: true, database: new URL(cliConfig().DATABASE_URL).pathname.slice(1) });
    });
}
