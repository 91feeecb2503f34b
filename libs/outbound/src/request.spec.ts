import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OutboundError, outboundRequest } from './request';
import { checkOutboundAddress, type Resolver } from './resolve';

describe('outbound calls', () => {
  let server: Server;
  let port: number;
  const hits: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      hits.push(request.url ?? '');
      if (request.url === '/secret') return void response.writeHead(200, { 'content-type': 'text/plain' }).end('instance credentials');
      if (request.url === '/moved') return void response.writeHead(302, { location: 'http://127.0.0.1/secret' }).end();
      if (request.url === '/big') return void response.writeHead(200).end('x'.repeat(2_000));
      if (request.url === '/slow') return void setTimeout(() => response.writeHead(200).end('late'), 1_000).unref();
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ got: body })));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const allowLocal = { allowPlainHttp: true, allowHosts: ['127.0.0.1'] };
  const publicOnly = { allowPlainHttp: true, allowHosts: [] };
  /** A name whose DNS answers what the test says: first a public address, then (rebinding) this machine. */
  const answers = (...addresses: string[]): Resolver => {
    let i = 0;
    return async () => [{ address: addresses[Math.min(i++, addresses.length - 1)], family: 4 }];
  };

  it('posts to a host the operator allowed and returns its answer', async () => {
    const response = await outboundRequest(`http://127.0.0.1:${port}/hook`, { method: 'POST', body: 'hello', timeoutMs: 2_000, maxBytes: 1_000, policy: allowLocal });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body.toString())).toEqual({ got: 'hello' });
  });

  it('never connects to an internal address that was not allowed, and says only that it refused', async () => {
    const before = hits.length;
    const error = await outboundRequest(`http://127.0.0.1:${port}/secret`, { timeoutMs: 2_000, maxBytes: 1_000, policy: publicOnly }).catch((e: OutboundError) => e);
    expect(error).toBeInstanceOf(OutboundError);
    expect(error).toMatchObject({ kind: 'refused', message: 'refused: the address is not on the public internet', detail: '127.0.0.1 is a loopback address' });
    expect(hits.length).toBe(before);
  });

  it('checks the address a name resolves to when it connects, so DNS rebinding cannot reach inside', async () => {
    const before = hits.length;
    const error = await outboundRequest(`http://hooks.example.com:${port}/secret`, { timeoutMs: 2_000, maxBytes: 1_000, policy: publicOnly, resolver: answers('127.0.0.1') }).catch((e: OutboundError) => e);
    expect(error).toMatchObject({ kind: 'refused', message: 'refused: the address is not on the public internet', detail: 'hooks.example.com (127.0.0.1) is a loopback address' });
    expect(hits.length).toBe(before);
  });

  it('accepts a name at save time that resolved to a public address, and still refuses it when it later resolves inside', async () => {
    const rebinding = answers('93.184.216.34', '127.0.0.1');
    expect(await checkOutboundAddress(`http://hooks.example.com:${port}/secret`, publicOnly, rebinding)).toMatchObject({ ok: true });
    await expect(outboundRequest(`http://hooks.example.com:${port}/secret`, { timeoutMs: 2_000, maxBytes: 1_000, policy: publicOnly, resolver: rebinding })).rejects.toMatchObject({ kind: 'refused' });
  });

  it('at save time refuses a name that resolves inside, and takes one that does not resolve (send time checks again)', async () => {
    expect(await checkOutboundAddress('https://metadata.example.com/latest', publicOnly, answers('169.254.169.254'))).toEqual({
      ok: false, reason: 'the address is not on the public internet (metadata.example.com (169.254.169.254) is a link-local address)', notPublic: true,
      detail: 'metadata.example.com (169.254.169.254) is a link-local address',
    });
    const nxdomain: Resolver = async () => { throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }); };
    expect(await checkOutboundAddress('https://hooks.slack.com/services/T0/B0/x', publicOnly, nxdomain)).toMatchObject({ ok: true });
  });

  it('returns a redirect instead of following it', async () => {
    const response = await outboundRequest(`http://127.0.0.1:${port}/moved`, { timeoutMs: 2_000, maxBytes: 1_000, policy: allowLocal });
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('http://127.0.0.1/secret');
  });

  it('caps the time and the size of an answer', async () => {
    await expect(outboundRequest(`http://127.0.0.1:${port}/big`, { timeoutMs: 2_000, maxBytes: 1_000, policy: allowLocal })).rejects.toMatchObject({ kind: 'too_large', message: 'larger than 1000 bytes' });
    await expect(outboundRequest(`http://127.0.0.1:${port}/slow`, { timeoutMs: 200, maxBytes: 1_000, policy: allowLocal })).rejects.toMatchObject({ kind: 'timeout', message: 'no answer within 200 ms' });
    await expect(outboundRequest('http://127.0.0.1:1/x', { timeoutMs: 2_000, maxBytes: 1_000, policy: allowLocal })).rejects.toMatchObject({ kind: 'network', message: 'ECONNREFUSED' });
  });
});
