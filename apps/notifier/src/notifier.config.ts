export const NOTIFIER_CONFIG = Symbol('NOTIFIER_CONFIG');
