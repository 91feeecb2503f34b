export * from './account-domains.read-model';
export * from './calendar-feed';
export * from './calendar-feeds.repository';
export * from './gateway-data.module';
export * from './source';
export * from './sources.repository';
export * from './delivery';
export * from './deliveries.repository';
export { DeliveryLogReadModel, type DeliveryLogQuery } from './delivery-log.read-model';
