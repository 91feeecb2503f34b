export * from './account-domains.read-model';
export * from './calendar-feed';
export * from './calendar-feeds.repository';
export * from './gateway-data.module';
export * from './source';
export * from './sources.repository';
