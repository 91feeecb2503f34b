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

  it('forgets the entries a test picks, and keeps the others', () => {
    const cache = new TtlCache<string, { email: string }>(60_000);
    cache.set('s1', { email: 'a@x' });
    cache.set('s2', { email: 'a@x' });
    cache.set('s3', { email: 'b@x' });
    cache.deleteWhere((user, key) => user.email === 'a@x' && key !== 's2');
    expect([cache.get('s1'), cache.get('s2'), cache.get('s3')]).toEqual([undefined, { email: 'a@x' }, { email: 'b@x' }]);
  });
});
