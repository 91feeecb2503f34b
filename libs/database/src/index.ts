export * from './audit/audit-log';
export * from './data-source';
export * from './database.module';
export * from './query-rows';
export * from './repositories/calendar-feeds.repository';
export * from './repositories/secrets';
export * from './repositories/sources.repository';
export * from './repositories/users.repository';
