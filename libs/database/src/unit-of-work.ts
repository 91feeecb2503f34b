import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';

/**
 * The unit of work, as repositories and services inject it. `txHost.tx` is the current
 * transaction's EntityManager inside `txHost.withTransaction(…)` (or a `@Transactional()` method),
 * and the pool's outside one: repositories query through it and never open transactions; services
 * decide where a unit of work begins and ends. (nestjs-cls' TransactionHost, typed for TypeORM, as a
 * class so that Nest can inject it by type.)
 */
export abstract class TxHost extends TransactionHost<TransactionalAdapterTypeOrm> {}

export { Transactional } from '@nestjs-cls/transactional';
