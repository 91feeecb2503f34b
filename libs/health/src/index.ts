export * from './case-state';
export * from './policy';
export * from './assess-health';
export * from './meeting-state';
