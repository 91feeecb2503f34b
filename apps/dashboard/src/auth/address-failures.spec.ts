import { DAY_MS } from '@forewarn/database';
import { AddressFailures } from './address-failures';

const policy = { freeFailures: 3, baseMs: 10_000, maxMs: 60_000, forgetAfterMs: DAY_MS };

describe('failed sign-ins counted per client address', () => {
  let now = 1_000_000;
  const clock = () => now;

  it('lets a few attempts through, then makes the address wait, and counts nothing while it waits', () => {
    const failures = new AddressFailures(policy, 100, clock);
    expect([1, 2, 3].map(() => failures.begin('203.0.113.9'))).toEqual([0, 0, 0]);
    expect(failures.begin('203.0.113.9')).toBe(10_000);
    now += 4_000;
    expect(failures.begin('203.0.113.9')).toBe(6_000);
    now += 6_000;
    expect(failures.begin('203.0.113.9')).toBe(0);
    expect(failures.begin('203.0.113.9')).toBe(20_000);
    expect(failures.begin('198.51.100.7')).toBe(0);
  });

  it('takes back an attempt that succeeded, without clearing the rest', () => {
    const failures = new AddressFailures(policy, 100, clock);
    failures.begin('a');
    failures.begin('a');
    failures.begin('a');
    failures.forgive('a');
    expect(failures.begin('a')).toBe(0);
    expect(failures.begin('a')).toBeGreaterThan(0);
  });

  it('counts the wait from the end of a failed attempt, however long checking it took', () => {
    const failures = new AddressFailures({ ...policy, freeFailures: 1 }, 100, clock);
    failures.begin('slow');
    now += 3_000; // a password check under load
    failures.failed('slow');
    expect(failures.begin('slow')).toBe(10_000);
  });

  it('keeps its memory bounded, forgetting the addresses least recently seen', () => {
    const failures = new AddressFailures(policy, 2, clock);
    for (let i = 0; i < 3; i += 1) failures.begin('old');
    failures.begin('b');
    failures.begin('c');
    expect(failures.size).toBe(2);
    expect(failures.begin('old')).toBe(0);
  });
});
