import { Logger as NestLogger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';

/** The statement's text on one line, cut short (a prepared statement, `queryPrepared`, is an object with a text). */
const oneLine = (query: unknown): string => String(query).replace(/\s+/g, ' ').slice(0, 500);

/**
 * TypeORM's own logging, through the service's logger (and so its redaction), without query
 * parameters: a failed statement's parameters may hold a key, a signing secret or a password hash.
 * The statement and the error say what failed; the caller that handles the error logs the rest.
 */
export class QueryLogger implements TypeOrmLogger {
  private readonly logger = new NestLogger('typeorm');

  logQuery(): void {}

  logQueryError(error: string | Error, query: string): void {
    this.logger.debug({ msg: 'query failed', error: typeof error === 'string' ? error : error.message, query: oneLine(query) });
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ msg: 'slow query', ms: time, query: oneLine(query) });
  }

  logSchemaBuild(): void {}

  logMigration(message: string): void {
    this.logger.log({ msg: message });
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn({ msg: String(message) });
  }
}
