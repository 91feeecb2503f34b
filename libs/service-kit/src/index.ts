export * from './problem';
export * from './readiness';
export * from './metrics';
export * from './ops.controller';
export * from './service-kit.module';
export * from './bootstrap';
export * from './node-args';
export * from './transient-errors';
