export * from './topics';
export * from './inbound-events';
export * from './health';
export * from './alerts';
export * from './source-allowance';
