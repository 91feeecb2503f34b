export * from './address';
export * from './policy';
export * from './request';
export * from './resolve';
export * from './follow';
