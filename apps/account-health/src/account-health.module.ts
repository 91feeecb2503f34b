import { type DynamicModule, Module } from '@nestjs/common';
import type { AccountHealthConfig } from '@forewarn/config';
import { DatabaseModule } from '@forewarn/database';
import type { HealthPolicy } from '@forewarn/health';
import { MessagingModule } from '@forewarn/messaging';
import { ServiceKitModule } from '@forewarn/service-kit';
import { ACCOUNT_HEALTH_CONFIG } from './account-health.config';
import { OutboxRelay } from './outbox/outbox-relay';
import { HealthPolicyHolder, INITIAL_POLICY } from './policy/health-policy.holder';
import { PolicyInUseRecorder } from './policy/policy-in-use.recorder';
import { EventsController } from './projection/events.controller';
import { ProjectionService } from './projection/projection.service';
import { HealthSweep } from './sweep/health-sweep.service';

@Module({})
export class AccountHealthModule {
  static forRoot(config: AccountHealthConfig, policy: HealthPolicy): DynamicModule {
    return {
      module: AccountHealthModule,
      imports: [
        ServiceKitModule.forRoot({ service: 'account-health', logLevel: config.LOG_LEVEL, prettyLogs: config.LOG_FORMAT === 'pretty' }),
        DatabaseModule.forRoot({ url: config.DATABASE_URL, applicationName: 'forewarn-account-health', poolSize: 6 }),
        MessagingModule.forRoot({
          brokers: config.KAFKA_BROKERS, clientId: 'forewarn-account-health', topicPrefix: config.FOREWARN_TOPIC_PREFIX,
          consumer: { group: 'account-health', topics: ['events'], partitionsConcurrently: config.HEALTH_PARTITIONS_CONCURRENTLY },
        }),
      ],
      controllers: [EventsController],
      providers: [
        { provide: ACCOUNT_HEALTH_CONFIG, useValue: config },
        { provide: INITIAL_POLICY, useValue: policy },
        HealthPolicyHolder,
        PolicyInUseRecorder,
        ProjectionService,
        OutboxRelay,
        HealthSweep,
      ],
    };
  }
}
