import { AcknowledgementClaimEntity } from './dashboard/acknowledgement-claim.entity';
import { LinkUseEntity } from './dashboard/link-use.entity';
import { SessionEntity } from './dashboard/session.entity';
import { UserEntity } from './dashboard/user.entity';

/**
 * Every TypeORM entity, registered on the one DataSource (the record-at-a-time aggregates; the
 * batch paths use typed SQL in their repositories). Each entity lives beside the repository that
 * owns its table, in the folder of the schema's owner (`gateway/`, `dashboard/`, `notifier/`, `health/`).
 */
export const ENTITIES: NonNullable<import('typeorm').DataSourceOptions['entities']> = [
  UserEntity,
  SessionEntity,
  AcknowledgementClaimEntity,
  LinkUseEntity,
];
