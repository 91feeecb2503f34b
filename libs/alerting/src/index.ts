export * from './alert-decision';
export * from './recipients';
