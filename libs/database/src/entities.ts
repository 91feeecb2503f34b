import { PolicyInUseEntity } from './health/policy-in-use.entity';

/**
 * Every TypeORM entity, registered on the one DataSource (the record-at-a-time aggregates; the
 * batch paths use typed SQL in their repositories). Each entity lives beside the repository that
 * owns its table, in the folder of the schema's owner (`gateway/`, `dashboard/`, `notifier/`, `health/`).
 */
export const ENTITIES: NonNullable<import('typeorm').DataSourceOptions['entities']> = [
  PolicyInUseEntity,
];
