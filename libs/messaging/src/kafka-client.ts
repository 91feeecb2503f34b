import { Logger } from '@nestjs/common';
import { Kafka, type KafkaConfig, logLevel, type LogEntry } from 'kafkajs';
import { fixKafkajsRequestQueue } from './kafkajs-request-queue';

type NestLevel = 'error' | 'warn' | 'log' | 'debug';

const LEVEL_NAMES: Record<number, NestLevel> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'log',
  [logLevel.DEBUG]: 'debug',
};

/**
 * How loud a kafkajs line is in our logs. kafkajs also reports its own workings at ERROR and
 * WARN, and those say nothing an operator must act on:
 * - `Connection` lines are one request's error response ("The group coordinator is loading" while
 *   a fresh broker starts, "not the controller"): kafkajs retries the request or throws to its
 *   caller, and what matters then reaches our logs from our own code (a publish that failed, a
 *   consumer that crashed, `/readyz` naming Kafka).
 * - The `Producer` namespace warns about one thing only, once per idempotent producer at creation:
 *   that its retries are limited. `Publisher` limits them on purpose (a bounded send is what lets
 *   the gateway answer 503 instead of hanging) and starts a fresh producer after a failed send, so
 *   the sequence numbers the warning is about cannot be reused.
 * Both go to debug, where `LOG_LEVEL=debug` still shows them; everything else keeps its level.
 */
export function nestLevelOf(entry: Pick<LogEntry, 'namespace' | 'level'>): NestLevel {
  if (entry.namespace === 'Connection') return 'debug';
  if (entry.namespace === 'Producer' && entry.level === logLevel.WARN) return 'debug';
  return LEVEL_NAMES[entry.level] ?? 'debug';
}

/** kafkajs logs through the application's logger, so its lines are structured like ours. */
function nestLogCreator(): (entry: LogEntry) => void {
  const logger = new Logger('kafkajs');
  return (entry) => {
    const { message, ...extra } = entry.log;
    logger[nestLevelOf(entry)]({ msg: message, ...extra });
  };
}

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  /** Fail fast enough that an HTTP caller gets a 503 instead of a hung request. */
  connectionTimeout?: number;
  requestTimeout?: number;
  logLevel?: logLevel;
}

export function createKafka(options: KafkaClientOptions): Kafka {
  fixKafkajsRequestQueue();
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: options.connectionTimeout ?? 3000,
    requestTimeout: options.requestTimeout ?? 15000,
    retry: { initialRetryTime: 200, retries: 5, maxRetryTime: 3000 },
    logLevel: options.logLevel ?? logLevel.WARN,
    logCreator: () => nestLogCreator(),
  };
  return new Kafka(config);
}
