import { gatewayEnvSchema, loadConfig } from '@forewarn/config';
import { Problem } from '@forewarn/service-kit';
import type { Request } from 'express';
import { ClientRateLimiter, clientKey } from './client-rate-limiter';

const from = (ip: string) => ({ ip, socket: {} }) as unknown as Request;

describe('per-client-address limit (before authentication)', () => {
  it('defaults to 200 requests per second per address, or four times a higher per-source rate, with a burst of twice that', () => {
    const defaults = new ClientRateLimiter(loadConfig(gatewayEnvSchema, { NODE_ENV: 'test' }));
    expect([defaults.ratePerSecond, defaults.burst]).toEqual([200, 400]);
    const generous = new ClientRateLimiter(loadConfig(gatewayEnvSchema, { NODE_ENV: 'test', GATEWAY_RATE_LIMIT_PER_SECOND: '1000' }));
    expect(generous.ratePerSecond).toBe(4000);
    const set = new ClientRateLimiter(loadConfig(gatewayEnvSchema, { NODE_ENV: 'test', GATEWAY_CLIENT_RATE_LIMIT_PER_SECOND: '5', GATEWAY_CLIENT_RATE_LIMIT_BURST: '3' }));
    expect([set.ratePerSecond, set.burst]).toEqual([5, 3]);
  });

  it('answers a flood from one address with 429 and Retry-After, and leaves other addresses alone', () => {
    const limiter = new ClientRateLimiter(loadConfig(gatewayEnvSchema, { NODE_ENV: 'test', GATEWAY_CLIENT_RATE_LIMIT_PER_SECOND: '1', GATEWAY_CLIENT_RATE_LIMIT_BURST: '2' }));
    limiter.check(from('203.0.113.7'));
    limiter.check(from('203.0.113.7'));
    let thrown: unknown;
    try { limiter.check(from('203.0.113.7')); } catch (error) { thrown = error; }
    expect(thrown).toBeInstanceOf(Problem);
    expect(thrown).toMatchObject({ status: 429, extra: { headers: { 'Retry-After': '1' } } });
    expect(() => limiter.check(from('203.0.113.8'))).not.toThrow();
  });

  it('counts an IPv6 /64 as one client, and an IPv4-mapped address as its IPv4 address', () => {
    expect(clientKey('2001:db8:0:1:aaaa::1')).toBe('2001:db8:0:1::/64');
    expect(clientKey('2001:0db8:0000:0001:ffff:ffff:ffff:ffff')).toBe('2001:db8:0:1::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(clientKey('192.0.2.1')).toBe('192.0.2.1');
    expect(clientKey(undefined)).toBe('unknown');
  });
});
