import { checkOutboundUrl, isAllowedHost, normaliseHost, type OutboundPolicy, refusedAddress } from './policy';

const strict: OutboundPolicy = { allowPlainHttp: false, allowHosts: [] };

describe('which URLs an outbound call may go to', () => {
  it('takes a public https address, such as a Slack webhook', () => {
    expect(checkOutboundUrl('https://hooks.slack.com/services/T0/B0/abc', strict)).toMatchObject({ ok: true });
    expect(checkOutboundUrl('https://8.8.8.8/hook', strict)).toMatchObject({ ok: true });
  });

  it.each([
    ['https://127.0.0.1/x', '127.0.0.1 is a loopback address'],
    ['https://169.254.169.254/latest', '169.254.169.254 is a link-local address'],
    ['https://[::1]/x', '::1 is a loopback address'],
    ['https://10.0.0.5/x', '10.0.0.5 is a private address'],
    ['https://0.0.0.0/x', '0.0.0.0 is an unspecified address'],
    ['https://[::ffff:127.0.0.1]/x', '::ffff:7f00:1 is a loopback address'],
    ['https://[fe80::1]/x', 'fe80::1 is a link-local address'],
    ['https://[fd00::1]/x', 'fd00::1 is a unique-local address'],
    ['https://100.64.1.1/x', '100.64.1.1 is a carrier-grade NAT address'],
    ['https://224.0.0.1/x', '224.0.0.1 is a multicast address'],
    ['https://2130706433/x', '127.0.0.1 is a loopback address'],
    ['https://0177.0.0.1/x', '127.0.0.1 is a loopback address'],
    ['https://0x7f.1/x', '127.0.0.1 is a loopback address'],
    ['https://0xa9fea9fe/latest', '169.254.169.254 is a link-local address'],
    ['https://localhost/x', 'localhost is this machine'],
    ['https://LOCALHOST./x', 'localhost is this machine'],
    ['https://api.localhost/x', 'api.localhost is this machine'],
    ['https://intranet/x', 'intranet is not a public domain name'],
  ])('refuses %s: %s', (url, why) => {
    expect(checkOutboundUrl(url, strict)).toEqual({ ok: false, reason: `the address is not on the public internet (${why})`, notPublic: true, detail: why });
  });

  it('takes https only, plain http only where allowed (outside production)', () => {
    expect(checkOutboundUrl('http://hooks.slack.com/services/x', strict)).toEqual({ ok: false, reason: 'must be an https address', notPublic: false });
    expect(checkOutboundUrl('http://hooks.slack.com/services/x', { ...strict, allowPlainHttp: true })).toMatchObject({ ok: true });
    expect(checkOutboundUrl('ftp://example.com/x', { ...strict, allowPlainHttp: true })).toEqual({ ok: false, reason: 'must be an http or https address', notPublic: false });
    expect(checkOutboundUrl('not a url', strict)).toEqual({ ok: false, reason: 'is not a URL', notPublic: false });
  });

  it('lets an operator allow a host by name or address, in any spelling', () => {
    const policy: OutboundPolicy = { allowPlainHttp: true, allowHosts: ['127.0.0.1', 'chat-relay.internal', '[::1]'] };
    expect(checkOutboundUrl('http://127.0.0.1:8080/hook', policy)).toMatchObject({ ok: true });
    expect(checkOutboundUrl('http://2130706433:8080/hook', policy)).toMatchObject({ ok: true });
    expect(checkOutboundUrl('https://[0:0:0:0:0:0:0:1]/hook', policy)).toMatchObject({ ok: true });
    expect(checkOutboundUrl('https://10.0.0.5/hook', policy)).toMatchObject({ ok: false });
    expect(isAllowedHost('CHAT-RELAY.internal.', policy)).toBe(true);
    expect(isAllowedHost('127.0.0.2', policy)).toBe(false);
  });

  it('allows anything for a feed an operator registered as internal on purpose', () => {
    expect(checkOutboundUrl('https://10.0.0.5/cal.ics', { ...strict, allowInternal: true })).toMatchObject({ ok: true });
  });

  it('checks what a name resolved to, unless the name or the address is allowed', () => {
    expect(refusedAddress('10.1.2.3', 'calendar.example.com', strict)).toBe('calendar.example.com (10.1.2.3) is a private address');
    expect(refusedAddress('93.184.216.34', 'calendar.example.com', strict)).toBeNull();
    expect(refusedAddress('10.1.2.3', 'calendar.example.com', { ...strict, allowHosts: ['calendar.example.com'] })).toBeNull();
    expect(refusedAddress('127.0.0.1', 'localhost', { ...strict, allowHosts: ['127.0.0.1'] })).toBeNull();
  });

  it('writes hosts the way the URL parser does', () => {
    expect(normaliseHost('[::1]')).toBe('::1');
    expect(normaliseHost('2130706433')).toBe('127.0.0.1');
    expect(normaliseHost('Example.COM.')).toBe('example.com');
  });
});
