import { TtlCache } from './ttl-cache';

describe('the short-lived lookup cache', () => {
  it('remembers a value until it expires', () => {
    let now = 0;
    const cache = new TtlCache<string, number>(1000, 10, () => now);
    cache.set('a', 1);
    now = 999;
    expect(cache.get('a')).toBe(1);
    now = 1000;
    expect(cache.get('a')).toBeUndefined();
  });

  it('forgets the oldest entry when full, and forgets on request', () => {
    const cache = new TtlCache<string, number>(60_000, 2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('c')).toBe(3);
    cache.delete('c');
    expect(cache.get('c')).toBeUndefined();
  });
});
