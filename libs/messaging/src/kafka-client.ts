import { Logger } from '@nestjs/common';
import { Kafka, type KafkaConfig, logLevel, type LogEntry } from 'kafkajs';

const LEVEL_NAMES: Record<number, 'error' | 'warn' | 'log' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'log',
  [logLevel.DEBUG]: 'debug',
};

/** kafkajs logs through the application's logger, so its lines are structured like ours. */
function nestLogCreator(): (entry: LogEntry) => void {
  const logger = new Logger('kafkajs');
  return ({ level, log }) => {
    const { message, ...extra } = log;
    const method = LEVEL_NAMES[level] ?? 'debug';
    logger[method]({ msg: message, ...extra });
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
