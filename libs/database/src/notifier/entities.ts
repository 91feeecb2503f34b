import { AccountStatus } from './account-status.entity';
import { Acknowledgement } from './acknowledgement.entity';
import { Digest } from './digest.entity';
import { PreferenceDefaults } from './preference-defaults.entity';
import { Preference } from './preference.entity';
import { Snooze } from './snooze.entity';

/** The `notifier` schema's record-at-a-time tables (the delivery ledger is typed SQL: it is claimed in batches). */
export const NOTIFIER_ENTITIES = [Preference, PreferenceDefaults, Acknowledgement, Snooze, AccountStatus, Digest];
