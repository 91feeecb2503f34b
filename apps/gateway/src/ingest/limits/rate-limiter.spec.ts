import { ConfigError, gatewayEnvSchema, loadConfig } from '@forewarn/config';
import { Problem } from '@forewarn/service-kit';
import { RateLimiter } from './rate-limiter';

describe('gateway rate limit configuration', () => {
  it('defaults to 50 requests per second per source with a burst of twice the rate, and a 5 minute replay window', () => {
    const config = loadConfig(gatewayEnvSchema, { NODE_ENV: 'test' });
    expect(config.GATEWAY_SIGNATURE_TOLERANCE_SECONDS).toBe(300);
    const limiter = new RateLimiter(config);
    expect([limiter.ratePerSecond, limiter.burst]).toEqual([50, 100]);
    expect(new RateLimiter(loadConfig(gatewayEnvSchema, { NODE_ENV: 'test', GATEWAY_RATE_LIMIT_PER_SECOND: '0.2' })).burst).toBe(1);
    expect(new RateLimiter(loadConfig(gatewayEnvSchema, { NODE_ENV: 'test', GATEWAY_RATE_LIMIT_PER_SECOND: '5', GATEWAY_RATE_LIMIT_BURST: '7' })).burst).toBe(7);
  });

  it('names the variable when a limit is not a positive number', () => {
    expect(() => loadConfig(gatewayEnvSchema, { NODE_ENV: 'test', GATEWAY_RATE_LIMIT_PER_SECOND: '0' })).toThrow(ConfigError);
    expect(() => loadConfig(gatewayEnvSchema, { NODE_ENV: 'test', GATEWAY_RATE_LIMIT_PER_SECOND: 'lots' })).toThrow(/GATEWAY_RATE_LIMIT_PER_SECOND/);
    expect(() => loadConfig(gatewayEnvSchema, { NODE_ENV: 'test', GATEWAY_RATE_LIMIT_BURST: '0' })).toThrow(/GATEWAY_RATE_LIMIT_BURST/);
    expect(() => loadConfig(gatewayEnvSchema, { NODE_ENV: 'test', GATEWAY_SIGNATURE_TOLERANCE_SECONDS: '-5' })).toThrow(/GATEWAY_SIGNATURE_TOLERANCE_SECONDS/);
  });

  it('throws a 429 problem with Retry-After when a source is over its rate', () => {
    const limiter = new RateLimiter(loadConfig(gatewayEnvSchema, { NODE_ENV: 'test', GATEWAY_RATE_LIMIT_PER_SECOND: '1', GATEWAY_RATE_LIMIT_BURST: '1' }));
    limiter.check('jira');
    let thrown: unknown;
    try { limiter.check('jira'); } catch (error) { thrown = error; }
    expect(thrown).toBeInstanceOf(Problem);
    expect(thrown).toMatchObject({ status: 429, extra: { headers: { 'Retry-After': '1' } } });
    expect(() => limiter.check('zendesk')).not.toThrow();
  });
});
