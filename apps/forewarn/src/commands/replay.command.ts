import type { INestApplicationContext } from '@nestjs/common';
import { accountHealthEnvSchema, ConfigError, loadConfig } from '@forewarn/config';
import { topicsFor } from '@forewarn/contracts';
import type { HealthPolicy } from '@forewarn/health';
import { parseMessages, ProjectorModule, Rebuild } from '@forewarn/projection';
import { AuditLog, cliActor, lockForTransaction, PolicyInUseRepository, TxHost } from '@forewarn/database';
import { createKafka } from '@forewarn/messaging';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { EachBatchPayload } from 'kafkajs';
import { AsyncResource } from 'node:async_hooks';
import { CliError, printJson, withApp } from '../cli-support';
import { policyInForce } from './policy-in-force';

/** Pass 1 parses only the messages that can be account events: upserts, and references admins mapped to accounts. */
const ACCOUNT_EVENTS = 'forewarn.account.';
/** Give up when the topic stops delivering before the replay reached the end it saw at the start. */
const STALL_MS = 60_000;

export interface ReplaySummary {
  topic: string;
  /** The health policy it scored with: the one account-health runs with, unless `--policy` named a file. */
  policy: { version: string; from: string };
  messages: number;
  /** Messages that are not valid events (account-health dead-lettered them when they first came). */
  skipped: number;
  events: number;
  accounts: number;
  cases: number;
  meetings: number;
  /** Accounts whose health (state or score) the rebuild changed; each change is in the history and on health.v1. */
  healthChanged: number;
  durationMs: number;
  /** Where the time went: reading the accounts, storing the events, folding cases and meetings, scoring. */
  phasesMs: { accounts: number; events: number; fold: number; score: number };
}

function replayConfig() {
  try {
    return loadConfig(accountHealthEnvSchema, process.env, { needsSecret: false });
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
}

export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description('rebuild every account-health projection from <prefix>events.v1, with a progress bar')
    .option('--force', 'replay even when retention already deleted the oldest events from the topic')
    .option('--policy <file>', 'score with this health policy file instead of the one account-health runs with')
    .action(async (options: { force?: boolean; policy?: string }) => {
      printJson(await replay({ force: !!options.force, policyFile: options.policy }));
    });
}

/**
 * Rebuilds the projections (events, accounts, cases, meetings, health) from the topic, in one
 * transaction: readers see the old projections until the new ones are complete, and a failed
 * replay changes nothing. It holds account-health's replay lock, so the service's batches wait
 * meanwhile and continue afterwards. It sends no alerts: what the account teams were told, and
 * the health history, stay; a rebuild that changes an account's health is recorded as a change.
 * It reads the topic twice (the accounts, then every event) and writes each row once (`Rebuild`).
 */
export async function replay(options: { force: boolean; policyFile?: string }): Promise<ReplaySummary> {
  const started = Date.now();
  const config = replayConfig();
  return withApp([ProjectorModule], async (app) => {
    const chosen = await policyInForce(app.get(PolicyInUseRepository), { explicitFile: options.policyFile, shellFile: config.HEALTH_POLICY_FILE, doing: 'Replaying' });
    process.stderr.write(`${chosen.says}\n`);
    const { policy } = chosen;
    const topic = topicsFor(config.FOREWARN_TOPIC_PREFIX).events;
    const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'forewarn-replay' });
    const admin = kafka.admin();
    await admin.connect();
    try {
      if (!(await admin.listTopics()).includes(topic)) throw new CliError(`topic ${topic} does not exist (run: forewarn topics)`);
      const offsets = await admin.fetchTopicOffsets(topic);
      const truncated = offsets.filter((p) => Number(p.low) > 0);
      if (truncated.length > 0 && !options.force) {
        throw new CliError(`${topic} no longer holds every event (partition ${truncated[0].partition} starts at offset ${truncated[0].low}); a replay would lose the older ones. Use --force to replay what is left.`);
      }
      const ends = new Map(offsets.map((p) => [p.partition, Number(p.high)]));
      const total = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
      const groupId = `${config.FOREWARN_TOPIC_PREFIX}replay-${Date.now().toString(36)}`;
      const summary = await rebuild({ app, kafka, topic, groupId, ends, total, policy });
      await app.get(AuditLog).record({ actor: cliActor(), action: 'replay.run', target: topic, details: { ...summary, policyVersion: policy.version, force: options.force } });
      await admin.deleteGroups([groupId, `${groupId}-accounts`]).catch(() => undefined);
      return { topic, policy: { version: policy.version, from: chosen.from }, ...summary, durationMs: Date.now() - started };
    } finally {
      await admin.disconnect();
    }
  });
}

async function rebuild(input: {
  app: INestApplicationContext;
  kafka: ReturnType<typeof createKafka>;
  topic: string;
  groupId: string;
  ends: Map<number, number>;
  total: number;
  policy: HealthPolicy;
}): Promise<Omit<ReplaySummary, 'topic' | 'policy' | 'durationMs'>> {
  const { app, kafka, topic, groupId, ends, total, policy } = input;
  const txHost = app.get(TxHost);
  const rebuild = await app.resolve(Rebuild);
  const bar = new SingleBar(
    { format: `Replaying ${topic} [{bar}] {percentage}% | {value}/{total} messages | ETA {eta_formatted}`, stream: process.stderr, noTTYOutput: true, notTTYSchedule: 1000, hideCursor: true },
    Presets.shades_classic,
  );
  try {
    return await txHost.withTransaction(async () => {
      process.stderr.write('Waiting for account-health to finish its current batch…\n');
      await lockForTransaction(txHost.tx, 'replay');
      await rebuild.clear();
      const now = new Date();
      let messages = 0;
      let skipped = 0;
      const phasesMs = { accounts: 0, events: 0, fold: 0, score: 0 };
      let phaseStarted = Date.now();
      const endPhase = (phase: keyof typeof phasesMs) => {
        phasesMs[phase] = Date.now() - phaseStarted;
        phaseStarted = Date.now();
      };
      if (total > 0) {
        // Pass 1: the accounts, so that pass 2 can map every event as it stores it.
        process.stderr.write('Reading the accounts…\n');
        const accountsRead = await consumeToEnd({ kafka, topic, groupId: `${groupId}-accounts`, ends, onBatch: async (batch) => {
          rebuild.noteAccounts(parseMessages(batch.filter((m) => m.value?.includes(ACCOUNT_EVENTS))).events);
        } });
        if (!accountsRead) throw new CliError(`${topic} stopped delivering before the end it had at the start; nothing was changed`);
        await rebuild.saveAccounts();
        endPhase('accounts');
        // Pass 2: every event. The next batch is parsed while PostgreSQL stores the previous one.
        bar.start(total, 0);
        let storing: Promise<unknown> = Promise.resolve();
        // Bound to this transaction's context: the repositories find the transaction there, whatever
        // context kafkajs calls back in.
        const consumed = await consumeToEnd({ kafka, topic, groupId, ends, onBatch: AsyncResource.bind(async (batch) => {
          const { events, rejected } = parseMessages(batch);
          await storing;
          storing = rebuild.storeEvents(events).then(() => bar.increment(batch.length));
          storing.catch(() => undefined); // surfaced by the next await
          messages += batch.length;
          skipped += rejected.length;
        }) });
        await storing;
        if (!consumed) throw new CliError(`${topic} stopped delivering before the end it had at the start; nothing was changed`);
        bar.stop();
        endPhase('events');
        process.stderr.write('Folding every case and meeting…\n');
        await rebuild.foldAll();
        endPhase('fold');
      }
      process.stderr.write('Scoring every account…\n');
      const healthChanged = await rebuild.scoreAll(now, policy);
      endPhase('score');
      return { messages, skipped, ...(await rebuild.counts()), healthChanged, phasesMs };
    });
  } catch (error) {
    bar.stop();
    throw error;
  }
}

/** Reads every partition from its beginning up to `ends` (the high watermarks at the start); false when it stalled. */
async function consumeToEnd(input: {
  kafka: ReturnType<typeof createKafka>;
  topic: string;
  groupId: string;
  ends: Map<number, number>;
  onBatch: (messages: { value: Buffer | null; timestamp: number }[]) => Promise<void>;
}): Promise<boolean> {
  const { kafka, topic, groupId, ends, onBatch } = input;
  const pending = new Set([...ends].filter(([, end]) => end > 0).map(([partition]) => partition));
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, sessionTimeout: 60_000, maxBytesPerPartition: 1024 * 1024 });
  let failure: unknown = null;
  let lastProgress = Date.now();
  let finish!: (value: boolean) => void;
  const finished = new Promise<boolean>((resolve) => (finish = resolve));
  const eachBatch = async ({ batch, heartbeat }: EachBatchPayload) => {
    const end = ends.get(batch.partition) ?? 0;
    const wanted = batch.messages.filter((m) => Number(m.offset) < end);
    if (wanted.length > 0 && failure === null) {
      try {
        await onBatch(wanted.map((m) => ({ value: m.value, timestamp: Number(m.timestamp) })));
      } catch (error) {
        failure = error;
        finish(false);
        return;
      }
      lastProgress = Date.now();
    }
    if (Number(batch.lastOffset()) + 1 >= end) pending.delete(batch.partition);
    await heartbeat();
    if (pending.size === 0) finish(true);
  };
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const watchdog = setInterval(() => {
      if (Date.now() - lastProgress > STALL_MS) finish(false);
    }, 1000);
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: true, partitionsConsumedConcurrently: 1, eachBatch });
    if (pending.size === 0) finish(true);
    const done = await finished;
    clearInterval(watchdog);
    if (failure !== null) throw failure;
    return done;
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
}
