import { Module } from '@nestjs/common';
import { AccountsRepository } from './accounts.repository';
import { AlertsRepository } from './alerts.repository';
import { CasesRepository } from './cases.repository';
import { EventsRepository } from './events.repository';
import { HealthRepository } from './health.repository';
import { MeetingsRepository } from './meetings.repository';
import { OutboxRepository } from './outbox.repository';
import { PolicyInUseRepository } from './policy-in-use.repository';

const REPOSITORIES = [EventsRepository, AccountsRepository, CasesRepository, MeetingsRepository, HealthRepository, AlertsRepository, OutboxRepository, PolicyInUseRepository];

/**
 * The repositories of the `health` schema, owned by account-health (and `forewarn replay`): every
 * statement on its tables is in one of them. They join the caller's unit of work (`TxHost`).
 */
@Module({ providers: REPOSITORIES, exports: REPOSITORIES })
export class HealthDataModule {}
