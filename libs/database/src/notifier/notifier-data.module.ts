import { Module } from '@nestjs/common';
import { AudienceRepository } from '../repositories/audience.repository';
import { AccountStatusRepository } from './account-status.repository';
import { AcknowledgementsRepository } from './acknowledgements.repository';
import { DigestsRepository } from './digests.repository';
import { NotificationsRepository } from './notifications.repository';
import { PreferenceDefaultsRepository } from './preference-defaults.repository';
import { PreferencesRepository } from './preferences.repository';
import { CurrentHealthRepository } from './read-model/current-health.repository';
import { SnoozesRepository } from './snoozes.repository';
import { WriteBackTargetsReadModel } from './read-model/write-back-targets.read-model';
import { WriteBacksRepository } from './write-backs.repository';

const REPOSITORIES = [
  // The `notifier` schema, which the notifier alone writes.
  NotificationsRepository, PreferencesRepository, PreferenceDefaultsRepository, AcknowledgementsRepository, SnoozesRepository,
  DigestsRepository, AccountStatusRepository, WriteBacksRepository,
  // What it reads of others, through their read views.
  AudienceRepository, CurrentHealthRepository, WriteBackTargetsReadModel,
];

/** The notifier's repositories, bound to the current unit of work (`TxHost` from DatabaseModule). */
@Module({ providers: REPOSITORIES, exports: REPOSITORIES })
export class NotifierDataModule {}
