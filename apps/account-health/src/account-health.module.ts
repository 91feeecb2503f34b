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
        // Many short statements that each touch a bounded set of rows by key: parallel workers cost
        // more to start and coordinate than they save (bitmap scans of the cases of 250 accounts:
        // 64 ms with 2 workers, 35 without), and they take the CPU the next batch needs.
        DatabaseModule.forRoot({ url: config.DATABASE_URL, applicationName: 'forewarn-account-health', poolSize: 6, sessionSettings: { max_parallel_workers_per_gather: 0 } }),
        MessagingModule.forRoot({
          brokers: config.KAFKA_BROKERS, clientId: 'forewarn-account-health', topicPrefix: config.FOREWARN_TOPIC_PREFIX,
          consumer: { group: 'account-health', topics: ['events'], partitionsConcurrently: config.HEALTH_PARTITIONS_CONCURRENTLY, fetchMaxBytes: config.HEALTH_FETCH_MAX_BYTES },
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
