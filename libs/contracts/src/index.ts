export * from './topics';
export * from './inbound-events';
export * from './health';
export * from './alerts';
export * from './mail-domains';
export * from './source-allowance';
export * from './account-reference';
