import { AccountStatusEntity } from './notifier/account-status.entity';
import { AcknowledgementEntity } from './notifier/acknowledgement.entity';
import { DigestEntity } from './notifier/digest.entity';
import { PreferenceDefaultsEntity } from './notifier/preference-defaults.entity';
import { PreferenceEntity } from './notifier/preference.entity';
import { SnoozeEntity } from './notifier/snooze.entity';
import { CalendarFeedEntity } from './gateway/calendar-feed.entity';
import { SourceEntity } from './gateway/source.entity';
import { WriteBackEntity } from './gateway/write-back.entity';
import { PolicyInUseEntity } from './health/policy-in-use.entity';
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
  PreferenceEntity,
  PreferenceDefaultsEntity,
  AcknowledgementEntity,
  SnoozeEntity,
  AccountStatusEntity,
  DigestEntity,
  SourceEntity,
  CalendarFeedEntity,
  WriteBackEntity,
  PolicyInUseEntity,
  UserEntity,
  SessionEntity,
  AcknowledgementClaimEntity,
  LinkUseEntity,
];
