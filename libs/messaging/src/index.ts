export * from './kafka-client';
export * from './publisher';
export * from './topics-admin';
export * from './batch-server';
export * from './messaging.module';
export * from './event-messages';
export * from './kafkajs-request-queue';
