import { Module } from '@nestjs/common';
import { NotifierDataModule } from '@forewarn/database';
import { PreferenceDefaultsService } from './preference-defaults.service';

/** Records the preferences this notifier applies to people who saved none, for the dashboard to show. */
@Module({
  imports: [NotifierDataModule],
  providers: [PreferenceDefaultsService],
})
export class PreferenceDefaultsModule {}
