import { Module } from '@nestjs/common';
import { AudienceBook } from '@forewarn/alerting';
import type { NotifierConfig } from '@forewarn/config';
import { AudienceRepository, NotifierDataModule } from '@forewarn/database';
import { NOTIFIER_CONFIG } from '../notifier.config';

/** Who our own people are, from the dashboard's and account-health's read views, kept a minute: only they hear about an account. */
@Module({
  imports: [NotifierDataModule],
  providers: [
    {
      provide: AudienceBook,
      useFactory: (source: AudienceRepository, config: NotifierConfig) => new AudienceBook(source, { internalDomains: config.FOREWARN_INTERNAL_DOMAINS, mailFrom: config.MAIL_FROM }),
      inject: [AudienceRepository, NOTIFIER_CONFIG],
    },
  ],
  exports: [AudienceBook],
})
export class AudienceModule {}
