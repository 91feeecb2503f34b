import { type DynamicModule, Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { AudienceBook } from '@forewarn/alerting';
import type { NotifierConfig } from '@forewarn/config';
import { AudienceRepository, DatabaseModule } from '@forewarn/database';
import { MessagingModule } from '@forewarn/messaging';
import { Readiness, ServiceKitModule } from '@forewarn/service-kit';
import { DataSource } from 'typeorm';
import { ChatPoster } from './delivery/chat-poster';
import { Mailer } from './delivery/mailer';
import { SenderService } from './delivery/sender.service';
import { AlertsController } from './intake/alerts.controller';
import { IntakeService } from './intake/intake.service';
import { DigestService } from './noise/digest.service';
import { PreferenceDefaultsService } from './noise/preference-defaults.service';
import { NOTIFIER_CONFIG } from './notifier.config';

@Injectable()
class SmtpReadiness implements OnModuleInit {
  constructor(private readonly readiness: Readiness, @Inject(Mailer) private readonly mailer: Mailer) {}

  onModuleInit(): void {
    this.readiness.register('smtp', () => this.mailer.reachable());
  }
}

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
      ],
      controllers: [AlertsController],
      providers: [
        { provide: NOTIFIER_CONFIG, useValue: config },
        // Who our own people are, from the dashboard's and account-health's read views, kept a minute.
        {
          provide: AudienceBook,
          useFactory: (db: DataSource) => new AudienceBook(new AudienceRepository(db), { internalDomains: config.FOREWARN_INTERNAL_DOMAINS, mailFrom: config.MAIL_FROM }),
          inject: [DataSource],
        },
        Mailer, ChatPoster, IntakeService, SenderService, DigestService, PreferenceDefaultsService, SmtpReadiness,
      ],
    };
  }
}
