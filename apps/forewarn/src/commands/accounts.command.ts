import { type InboundEvent, topicsFor } from '@forewarn/contracts';
import { AccountCsvHeaderError, accountUpsertedEvent, type CsvRowError, readAccountsCsv } from '@forewarn/ingest';
import { createKafka, eventMessage, KafkaUnavailableError, Publisher } from '@forewarn/messaging';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { CliError, cliConfig, printJson } from '../cli-support';
import { ensureTopicExists } from './events-publisher';

const CHUNK = 500;

export interface AccountsImportSummary {
  file: string;
  topic: string | null;
  source: string;
  /** Data rows read (the header and empty lines not counted). */
  rows: number;
  /** Rows that are valid accounts (published unless --dry-run). */
  valid: number;
  published: number;
  failed: number;
  dryRun: boolean;
  errors: CsvRowError[];
}

/** Lines of the file, for the progress bar's total (exact unless fields span lines). */
function countLines(path: string): number {
  const text = readFileSync(path);
  let lines = 0;
  for (const byte of text) if (byte === 0x0a) lines += 1;
  return text.length > 0 && text[text.length - 1] !== 0x0a ? lines + 1 : lines;
}

export function registerAccountsCommands(program: Command): void {
  const accounts = program.command('accounts').description('customer accounts (forewarn.account.upserted)');
  accounts
    .command('import <file>')
    .description(`import accounts from CSV with the columns id,name,domains,owner_email,owner_name,team,lead_email,lead_name,tier,arr,renewal_date,timezone,external_refs (id, name, owner_email required; domains "a.com;b.com", external_refs "source:id;…"); bad rows are reported by line and skipped, and the exit code is 1 if any failed`)
    .option('--source <name>', 'the source the events carry', 'accounts-import')
    .option('--delimiter <char>', 'the field separator', ',')
    .option('--dry-run', 'validate the file only; publish nothing')
    .action(async (file: string, options: { source: string; delimiter: string; dryRun?: boolean }) => {
      const summary = await importAccounts(file, { source: options.source, delimiter: options.delimiter, dryRun: !!options.dryRun });
      printJson(summary);
      if (summary.failed > 0) throw new CliError(`${summary.failed} of ${summary.rows} rows failed and were skipped${summary.dryRun ? '' : `; ${summary.published} accounts were published`}`);
    });
}

/**
 * Reads, validates and publishes an accounts CSV: each valid row becomes an account.upserted event
 * on `<prefix>events.v1` (idempotent producer, acks from all in-sync replicas), keyed by account,
 * in chunks as the file is read. Event ids come from the row content, so a re-run after a failure
 * publishes again only what changed downstream.
 */
export async function importAccounts(file: string, options: { source: string; delimiter: string; dryRun: boolean }): Promise<AccountsImportSummary> {
  if (!/^[a-z0-9][a-z0-9._-]{0,99}$/.test(options.source)) throw new CliError(`--source "${options.source}" must be lower-case letters, digits, ".", "_" or "-"`);
  if (options.delimiter.length !== 1) throw new CliError('--delimiter must be one character');
  try {
    if (!statSync(file).isFile()) throw new CliError(`${file} is not a file`);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const config = cliConfig();
  const topic = topicsFor(config.FOREWARN_TOPIC_PREFIX).events;
  const summary: AccountsImportSummary = { file, topic: options.dryRun ? null : topic, source: options.source, rows: 0, valid: 0, published: 0, failed: 0, dryRun: options.dryRun, errors: [] };

  const kafka = options.dryRun ? null : createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'forewarn-accounts-import' });
  let publisher: Publisher | null = null;
  if (kafka) {
    await ensureTopicExists(kafka, topic, config.KAFKA_BROKERS);
    publisher = new Publisher(kafka);
  }

  const correlationId = randomUUID();
  const receivedAt = new Date();
  const total = Math.max(0, countLines(file) - 1);
  const bar = new SingleBar(
    { format: `${options.dryRun ? 'Checking' : 'Importing'} accounts [{bar}] {percentage}% | {value}/{total} lines | {valid} valid, {failed} failed`, stream: process.stderr, noTTYOutput: true, notTTYSchedule: 1000, hideCursor: true },
    Presets.shades_classic,
  );
  bar.start(total, 0, { valid: 0, failed: 0 });
  let chunk: InboundEvent[] = [];
  const flush = async () => {
    if (chunk.length === 0) return;
    const events = chunk;
    chunk = [];
    if (publisher) {
      try {
        await publisher.publish([{
          topic,
          messages: events.map((event) => eventMessage(event, correlationId)),
        }]);
      } catch (error) {
        if (error instanceof KafkaUnavailableError) {
          throw new CliError(`${error.message}; ${summary.published} accounts were published before it failed. Run the import again: accounts already published change nothing.`);
        }
        throw error;
      }
    }
    if (publisher) summary.published += events.length;
  };

  try {
    for await (const row of readAccountsCsv(createReadStream(file), { delimiter: options.delimiter })) {
      summary.rows += 1;
      if (row.ok) {
        summary.valid += 1;
        chunk.push(accountUpsertedEvent(row.data, options.source, receivedAt));
        if (chunk.length >= CHUNK) await flush();
      } else {
        summary.failed += 1;
        summary.errors.push(...row.errors);
      }
      bar.update(Math.min(total, Math.max(row.line - 1, 0)), { valid: summary.valid, failed: summary.failed });
    }
    await flush();
    bar.update(total, { valid: summary.valid, failed: summary.failed });
  } catch (error) {
    if (error instanceof AccountCsvHeaderError) throw new CliError(`${file}: ${error.message}`);
    throw error;
  } finally {
    bar.stop();
    await publisher?.disconnect().catch(() => undefined);
  }
  for (const e of summary.errors) process.stderr.write(`${file}:${e.line}: ${e.field} ${e.message}\n`);
  return summary;
}
