import { type DynamicModule, Module } from '@nestjs/common';
import type { AccountHealthConfig } from '@forewarn/config';
import { DatabaseModule } from '@forewarn/database';
import type { HealthPolicy } from '@forewarn/health';
import { MessagingModule } from '@forewarn/messaging';
import { ServiceKitModule } from '@forewarn/service-kit';
import { AccountHealthConfigModule } from './account-health.config';
import { OutboxModule } from './outbox/outbox.module';
import { PolicyModule } from './policy/policy.module';
import { ProjectionModule } from './projection/projection.module';
import { RetentionModule } from './retention/retention.module';
import { SweepModule } from './sweep/sweep.module';

/**
 * account-health: the infrastructure, then its features. Feature folders import one way:
 * sweep → projection → policy, outbox.
 */
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
        AccountHealthConfigModule.forRoot(config, policy),
        PolicyModule,
        OutboxModule,
        ProjectionModule,
        SweepModule,
        RetentionModule,
      ],
    };
  }
}
