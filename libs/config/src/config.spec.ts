import { accountHealthEnvSchema, baseEnvSchema, ConfigError, dashboardEnvSchema, gatewayEnvSchema, loadConfig, notifierEnvSchema, topicRetentionDays } from './config';

describe('configuration', () => {
  it('uses the documented defaults when nothing is set', () => {
    const config = loadConfig(gatewayEnvSchema, { NODE_ENV: 'test' });
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(config.FOREWARN_TOPIC_PREFIX).toBe('forewarn.');
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/forewarn');
    expect(config.GATEWAY_PORT).toBe(3001);
  });

  it('names the variable when a value is bad', () => {
    expect(() => loadConfig(gatewayEnvSchema, { KAFKA_BROKERS: 'not a broker' })).toThrow(/KAFKA_BROKERS must be a comma-separated list/);
    expect(() => loadConfig(notifierEnvSchema, { SMTP_URL: 'http://x' })).toThrow(/SMTP_URL/);
    expect(() => loadConfig(gatewayEnvSchema, { GATEWAY_PORT: 'abc' })).toThrow(ConfigError);
  });

  it('requires a real secret in production', () => {
    expect(() => loadConfig(gatewayEnvSchema, { NODE_ENV: 'production' })).toThrow(/FOREWARN_SECRET is required/);
    const secret = 'x'.repeat(40);
    expect(loadConfig(gatewayEnvSchema, { NODE_ENV: 'production', FOREWARN_SECRET: secret }).FOREWARN_SECRET).toBe(secret);
  });

  it('fails closed: with NODE_ENV unset a process needs its own secret', () => {
    expect(() => loadConfig(gatewayEnvSchema, {})).toThrow(/FOREWARN_SECRET is required/);
    expect(() => loadConfig(gatewayEnvSchema, { FOREWARN_SECRET: 'short' })).toThrow(/FOREWARN_SECRET must be at least 32 characters long \(it has 5\)/);
    const developmentSecret = loadConfig(gatewayEnvSchema, { NODE_ENV: 'development' }).FOREWARN_SECRET;
    expect(() => loadConfig(gatewayEnvSchema, { FOREWARN_SECRET: developmentSecret })).toThrow(/public development secret/);
    expect(() => loadConfig(gatewayEnvSchema, { NODE_ENV: 'production', FOREWARN_SECRET: developmentSecret })).toThrow(/public development secret/);
  });

  it('gives the development secret only to an explicit development or test run', () => {
    expect(loadConfig(gatewayEnvSchema, { NODE_ENV: 'development' }).FOREWARN_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig(gatewayEnvSchema, { NODE_ENV: 'test' }).FOREWARN_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig(gatewayEnvSchema, {}, { needsSecret: false }).NODE_ENV).toBe('production');
  });

  it('does not ask a command that signs nothing for the secret', () => {
    expect(loadConfig(gatewayEnvSchema, {}, { needsSecret: false }).FOREWARN_SECRET).toBe('');
  });

  it('believes X-Forwarded-For only when told whose: off by default, proxy hops, or proxy addresses', () => {
    const trust = (value?: string) => loadConfig(gatewayEnvSchema, { NODE_ENV: 'test', GATEWAY_TRUST_PROXY: value }).GATEWAY_TRUST_PROXY;
    expect([trust(), trust('off'), trust('2'), trust('10.0.0.0/8, loopback,2001:db8::/32,192.0.2.7')]).toEqual([false, false, 2, ['10.0.0.0/8', 'loopback', '2001:db8::/32', '192.0.2.7']]);
    for (const bad of ['true', 'yes', '0', '10.0.0.0/33', 'proxy.example.com', '10.0.0.0/8,', '::1/129']) {
      expect(() => trust(bad)).toThrow(/GATEWAY_TRUST_PROXY must be off, a number of proxy hops/);
    }
  });

  it('keeps the gateway\'s source cache short and webhook bodies small by default', () => {
    const config = loadConfig(gatewayEnvSchema, { NODE_ENV: 'test' });
    expect([config.GATEWAY_SOURCE_CACHE_MS, config.GATEWAY_WEBHOOK_MAX_BODY_BYTES]).toEqual([10_000, 1024 * 1024]);
    expect(() => loadConfig(gatewayEnvSchema, { NODE_ENV: 'test', GATEWAY_SOURCE_CACHE_MS: '60000' })).toThrow(/GATEWAY_SOURCE_CACHE_MS/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(gatewayEnvSchema, { NODE_ENV: 'test', FOREWARN_TOPIC_PREFIX: '' }).FOREWARN_TOPIC_PREFIX).toBe('forewarn.');
  });

  it('reads the internal domains for the notifier and the dashboard, unset meaning derived', () => {
    expect(loadConfig(notifierEnvSchema, { NODE_ENV: 'test' }).FOREWARN_INTERNAL_DOMAINS).toBeNull();
    expect(loadConfig(notifierEnvSchema, { NODE_ENV: 'test', FOREWARN_INTERNAL_DOMAINS: ' Sales.example, example.co.uk ' }).FOREWARN_INTERNAL_DOMAINS).toEqual(['sales.example', 'example.co.uk']);
    expect(loadConfig(dashboardEnvSchema, { NODE_ENV: 'test', FOREWARN_INTERNAL_DOMAINS: 'sales.example' }).FOREWARN_INTERNAL_DOMAINS).toEqual(['sales.example']);
    expect(loadConfig(dashboardEnvSchema, { NODE_ENV: 'test' }).MAIL_FROM).toBe('Forewarn <forewarn@localhost>');
    expect(() => loadConfig(notifierEnvSchema, { NODE_ENV: 'test', FOREWARN_INTERNAL_DOMAINS: 'riley@sales.example' })).toThrow(
      'invalid configuration: FOREWARN_INTERNAL_DOMAINS must be a comma-separated list of domain names, e.g. example.com,example.co.uk',
    );
    expect(() => loadConfig(dashboardEnvSchema, { NODE_ENV: 'test', FOREWARN_INTERNAL_DOMAINS: ' , ' })).toThrow(/FOREWARN_INTERNAL_DOMAINS/);
  });

  it('reads the hosts outbound calls may reach although not public', () => {
    expect(loadConfig(gatewayEnvSchema, { NODE_ENV: 'test' }).FOREWARN_OUTBOUND_ALLOW_HOSTS).toEqual([]);
    expect(loadConfig(notifierEnvSchema, { NODE_ENV: 'test', FOREWARN_OUTBOUND_ALLOW_HOSTS: '127.0.0.1, [::1], Chat-Relay.internal' }).FOREWARN_OUTBOUND_ALLOW_HOSTS).toEqual(['127.0.0.1', '[::1]', 'chat-relay.internal']);
    expect(() => loadConfig(dashboardEnvSchema, { NODE_ENV: 'test', FOREWARN_OUTBOUND_ALLOW_HOSTS: 'http://127.0.0.1' })).toThrow(/FOREWARN_OUTBOUND_ALLOW_HOSTS must be a comma-separated list of host names or IP addresses/);
    expect(loadConfig(gatewayEnvSchema, { NODE_ENV: 'test' }).GATEWAY_CALENDAR_MAX_EVENTS).toBe(5_000);
  });

  it('keeps the events topic forever and the others for days unless told otherwise', () => {
    expect(topicRetentionDays(loadConfig(baseEnvSchema, { NODE_ENV: 'test' }))).toEqual({ events: null, health: 7, alerts: 7, dlq: 28 });
    const told = loadConfig(baseEnvSchema, { NODE_ENV: 'test', FOREWARN_RETENTION_EVENTS_TOPIC_DAYS: '3650', FOREWARN_RETENTION_DLQ_TOPIC_DAYS: 'Forever' });
    expect(topicRetentionDays(told)).toEqual({ events: 3650, health: 7, alerts: 7, dlq: null });
    expect(() => loadConfig(baseEnvSchema, { FOREWARN_RETENTION_ALERTS_TOPIC_DAYS: '0' })).toThrow(
      'invalid configuration: FOREWARN_RETENTION_ALERTS_TOPIC_DAYS must be a whole number of days (at least 1) or forever',
    );
    expect(() => loadConfig(baseEnvSchema, { FOREWARN_RETENTION_EVENTS_TOPIC_DAYS: '7d' })).toThrow(/FOREWARN_RETENTION_EVENTS_TOPIC_DAYS/);
  });

  it('keeps health history a year and settled notifications 90 days unless told otherwise', () => {
    expect(loadConfig(accountHealthEnvSchema, { NODE_ENV: 'test' }).FOREWARN_RETENTION_HEALTH_HISTORY_DAYS).toBe(365);
    expect(loadConfig(accountHealthEnvSchema, { NODE_ENV: 'test', FOREWARN_RETENTION_HEALTH_HISTORY_DAYS: 'forever' }).FOREWARN_RETENTION_HEALTH_HISTORY_DAYS).toBeNull();
    expect(loadConfig(notifierEnvSchema, { NODE_ENV: 'test' }).FOREWARN_RETENTION_NOTIFICATIONS_DAYS).toBe(90);
    expect(loadConfig(notifierEnvSchema, { NODE_ENV: 'test', FOREWARN_RETENTION_NOTIFICATIONS_DAYS: '2' }).FOREWARN_RETENTION_NOTIFICATIONS_DAYS).toBe(2);
  });

  it('refuses to forget the notifications that say what was mailed within the repeat interval', () => {
    expect(() => loadConfig(notifierEnvSchema, { NODE_ENV: 'test', FOREWARN_RETENTION_NOTIFICATIONS_DAYS: '1' })).toThrow(
      'invalid configuration: FOREWARN_RETENTION_NOTIFICATIONS_DAYS must be longer than NOTIFY_REPEAT_INTERVAL_MS (86400000 ms)',
    );
    expect(() => loadConfig(notifierEnvSchema, { NODE_ENV: 'test', FOREWARN_RETENTION_NOTIFICATIONS_DAYS: '30', NOTIFY_REPEAT_INTERVAL_MS: String(31 * 86_400_000) })).toThrow(/FOREWARN_RETENTION_NOTIFICATIONS_DAYS/);
    expect(loadConfig(notifierEnvSchema, { NODE_ENV: 'test', FOREWARN_RETENTION_NOTIFICATIONS_DAYS: 'forever', NOTIFY_REPEAT_INTERVAL_MS: String(400 * 86_400_000) }).FOREWARN_RETENTION_NOTIFICATIONS_DAYS).toBeNull();
  });
});
