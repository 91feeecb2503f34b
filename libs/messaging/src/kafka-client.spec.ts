import { logLevel } from 'kafkajs';
import { nestLevelOf } from './kafka-client';

describe('kafkajs lines in our logs', () => {
  it('puts one request’s error response at debug: kafkajs retries it or throws to the caller', () => {
    // "Response GroupCoordinator(key: 10, version: 2)" with "The group coordinator is loading…"
    expect(nestLevelOf({ namespace: 'Connection', level: logLevel.ERROR })).toBe('debug');
  });

  it('puts the idempotent producer’s advisory about limited retries at debug', () => {
    expect(nestLevelOf({ namespace: 'Producer', level: logLevel.WARN })).toBe('debug');
  });

  it('keeps the level of what an operator may have to act on', () => {
    expect(nestLevelOf({ namespace: 'Consumer', level: logLevel.ERROR })).toBe('error'); // "Crash: …"
    expect(nestLevelOf({ namespace: 'Producer', level: logLevel.ERROR })).toBe('error'); // "Failed to send messages"
    expect(nestLevelOf({ namespace: 'Runner', level: logLevel.WARN })).toBe('warn');
    expect(nestLevelOf({ namespace: 'Consumer', level: logLevel.INFO })).toBe('log');
  });
});
