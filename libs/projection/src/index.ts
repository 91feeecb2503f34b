// The account-health projection: PostgreSQL glue (store, projector, outgoing messages) around the
// pure health model in @forewarn/health. Shared by the account-health service and `forewarn replay`.
export * from './projection.store';
export * from './alert-message';
export * from './projector';
export * from './rebuild';
export * from './policy-in-use';
