export * from './alert-decision';
export * from './delivery-retry';
export * from './grouping';
export * from './recipients';
export * from './render/alert-mail';
export * from './render/format';
