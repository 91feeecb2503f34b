// The account-health projection: the projector, the rebuild and the outgoing messages, applied
// through the `health` repositories (@forewarn/database) around the pure health model in
// @forewarn/health. Shared by the account-health service and `forewarn replay`.
export * from './alert-message';
export * from './projector';
export * from './projector.module';
export * from './rebuild';
