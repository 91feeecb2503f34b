export * from './config';
export * from './health-policy-file';
export * from './telemetry';
