import { Module } from '@nestjs/common';
import { AccountDomainsReadModel } from './account-domains.read-model';
import { CalendarFeedsRepository } from './calendar-feeds.repository';
import { DeliveriesRepository } from './deliveries.repository';
import { DeliveryLogReadModel } from './delivery-log.read-model';
import { SourcesRepository } from './sources.repository';
import { WriteBackSettingsRepository } from './write-back-settings.repository';

/**
 * The gateway's data: its own schema's repositories (sources, calendar feeds, the delivery log and
 * its read model) and what it reads of
 * other services' (through their views). For the gateway and the CLI's source, mapping and
 * calendar commands; the unit of work comes from the global DatabaseModule.
 */
@Module({
  providers: [SourcesRepository, CalendarFeedsRepository, DeliveriesRepository, DeliveryLogReadModel, AccountDomainsReadModel, WriteBackSettingsRepository],
  exports: [SourcesRepository, CalendarFeedsRepository, DeliveriesRepository, DeliveryLogReadModel, AccountDomainsReadModel, WriteBackSettingsRepository],
})
export class GatewayDataModule {}
