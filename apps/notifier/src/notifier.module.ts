import { type DynamicModule, Module } from '@nestjs/common';
import type { NotifierConfig } from '@forewarn/config';
import { DatabaseModule } from '@forewarn/database';
import { MessagingModule } from '@forewarn/messaging';
import { ServiceKitModule } from '@forewarn/service-kit';
import { DeliveryModule } from './delivery/delivery.module';
import { DigestModule } from './digest/digest.module';
import { IntakeModule } from './intake/intake.module';
import { NotifierConfigModule } from './notifier.config';
import { PreferenceDefaultsModule } from './preferences/preference-defaults.module';
import { RetentionModule } from './retention/retention.module';

/** The notifier: alerts in from Kafka, mail (and chat) out, daily digests. */
@Module({})
export class NotifierModule {
  static forRoot(config: NotifierConfig): DynamicModule {
    return {
      module: NotifierModule,
      imports: [
        ServiceKitModule.forRoot({ service: 'notifier', logLevel: config.LOG_LEVEL, prettyLogs: config.LOG_FORMAT === 'pretty' }),
        DatabaseModule.forRoot({ url: config.DATABASE_URL, applicationName: 'forewarn-notifier', poolSize: 4 }),
        MessagingModule.forRoot({
          brokers: config.KAFKA_BROKERS, clientId: 'forewarn-notifier', topicPrefix: config.FOREWARN_TOPIC_PREFIX,
          consumer: { group: 'notifier', topics: ['alerts'] },
        }),
        NotifierConfigModule.forRoot(config),
        IntakeModule, DeliveryModule, DigestModule, PreferenceDefaultsModule, RetentionModule,
      ],
    };
  }
}
