import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';

/**
 * What a repository queries through: `host.tx` is the current transaction's EntityManager inside a
 * unit of work (`host.withTransaction(…)`), the pool's outside one. Inject it as `TransactionHost`.
 */
export type DbHost = TransactionHost<TransactionalAdapterTypeOrm>;
export { TransactionHost };
export { Transactional } from '@nestjs-cls/transactional';
