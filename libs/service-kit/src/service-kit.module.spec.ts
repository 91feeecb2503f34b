import { maskTokens } from './service-kit.module';

describe('request logs', () => {
  it('never carry a source key sent as ?token=', () => {
    expect(maskTokens('/v1/webhooks/freshdesk/desk?token=fw_src_secret&x=1')).toBe('/v1/webhooks/freshdesk/desk?token=[redacted]&x=1');
    expect(maskTokens('/v1/events?a=1&TOKEN=abc')).toBe('/v1/events?a=1&TOKEN=[redacted]');
    expect(maskTokens('/healthz')).toBe('/healthz');
    expect(maskTokens('/v1/events&token=abc')).toBe('/v1/events&token=[redacted]');
    expect(maskTokens(undefined)).toBeUndefined();
  });
});
