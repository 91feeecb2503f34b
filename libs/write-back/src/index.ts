export * from './vendor-api';
export * from './adapters';
export * from './attempt-outcome';
export * from './circuit-breaker';
export * from './note';
export * from './sealed-secret';
export * from './settings';
