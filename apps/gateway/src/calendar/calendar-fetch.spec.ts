import { gatewayEnvSchema, loadConfig } from '@forewarn/config';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FeedFetchError, feedHttpUrl, fetchFeed } from './calendar-fetch';
import { calendarSettings } from './calendar.config';

describe('fetching calendar feeds', () => {
  let server: Server;
  let base: string;
  const seen: Record<string, string | undefined>[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      seen.push({ ifNoneMatch: request.headers['if-none-match'], ifModifiedSince: request.headers['if-modified-since'] });
      if (request.url === '/cal.ics') {
        if (request.headers['if-none-match'] === '"v1"') return void response.writeHead(304).end();
        return void response.writeHead(200, { 'content-type': 'text/calendar', etag: '"v1"', 'last-modified': 'Mon, 03 Mar 2025 08:00:00 GMT' }).end('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n');
      }
      if (request.url === '/huge.ics') {
        response.writeHead(200, { 'content-type': 'text/calendar' });
        response.write('x'.repeat(4096));
        return void response.end('x'.repeat(4096));
      }
      if (request.url === '/slow.ics') return void setTimeout(() => response.writeHead(200).end('late'), 2_000).unref();
      if (request.url === '/moved.ics') return void response.writeHead(301, { location: '/cal.ics' }).end();
      if (request.url === '/to-metadata.ics') return void response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      if (request.url?.startsWith('/loop')) return void response.writeHead(302, { location: `/loop${Number(request.url.slice(5) || 0) + 1}` }).end();
      response.writeHead(403).end('no');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const limits = { timeoutMs: 500, maxBytes: 5_000 };
  /** The tests' fake server is on 127.0.0.1: allowed as an operator would with FOREWARN_OUTBOUND_ALLOW_HOSTS. */
  const local = { allowPlainHttp: true, allowHosts: ['127.0.0.1'] };
  const publicOnly = { allowPlainHttp: true, allowHosts: [] };

  it('downloads a feed with its validators and asks again conditionally', async () => {
    const first = await fetchFeed(`${base}/cal.ics`, {}, limits, local);
    expect(first).toEqual({ status: 'ok', body: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n', etag: '"v1"', lastModified: 'Mon, 03 Mar 2025 08:00:00 GMT' });
    expect(await fetchFeed(`${base}/cal.ics`, { etag: '"v1"', lastModified: 'Mon, 03 Mar 2025 08:00:00 GMT' }, limits, local)).toEqual({ status: 'not_modified' });
    expect(seen[seen.length - 1]).toEqual({ ifNoneMatch: '"v1"', ifModifiedSince: 'Mon, 03 Mar 2025 08:00:00 GMT' });
  });

  it('fails clearly on an HTTP error, a feed too large, a feed too slow and nobody listening', async () => {
    await expect(fetchFeed(`${base}/private.ics`, {}, limits, local)).rejects.toThrow(/HTTP 403 \(is the URL the private\/secret address\?\)/);
    await expect(fetchFeed(`${base}/huge.ics`, {}, limits, local)).rejects.toThrow(/larger than 5000 bytes/);
    await expect(fetchFeed(`${base}/slow.ics`, {}, limits, local)).rejects.toThrow(/no answer within 500 ms/);
    await expect(fetchFeed('http://127.0.0.1:1/cal.ics', {}, limits, local)).rejects.toThrow(FeedFetchError);
  });

  it('refuses a feed on an internal address unless the operator allowed its host or registered it as internal', async () => {
    await expect(fetchFeed(`${base}/cal.ics`, {}, limits, publicOnly)).rejects.toThrow(
      'could not fetch the feed: refused: the address is not on the public internet (127.0.0.1 is a loopback address); register it with --allow-internal, or list its host in FOREWARN_OUTBOUND_ALLOW_HOSTS, if that is intended',
    );
    await expect(fetchFeed(`${base}/cal.ics`, {}, limits, { ...publicOnly, allowInternal: true })).resolves.toMatchObject({ status: 'ok' });
  });

  it('follows a few redirects, each checked, never into an internal address', async () => {
    await expect(fetchFeed(`${base}/moved.ics`, {}, limits, local)).resolves.toMatchObject({ status: 'ok', etag: '"v1"' });
    await expect(fetchFeed(`${base}/to-metadata.ics`, {}, limits, local)).rejects.toThrow(
      /^could not fetch the feed: refused: it redirected to an address that is not on the public internet \(169\.254\.169\.254 is a link-local address\)/,
    );
    await expect(fetchFeed(`${base}/loop`, {}, limits, local)).rejects.toThrow('could not fetch the feed: more than 5 redirects');
  });

  it('treats webcal:// as https://', () => {
    expect(feedHttpUrl('webcal://calendar.example.com/ical/abc/basic.ics')).toBe('https://calendar.example.com/ical/abc/basic.ics');
  });

  it('validates its settings at start-up, with defaults', () => {
    expect(calendarSettings(loadConfig(gatewayEnvSchema, { NODE_ENV: 'test' }))).toEqual({ tickMs: 15_000, windowDays: 30, fetchTimeoutMs: 15_000, maxBytes: 10 * 1024 * 1024, maxEvents: 5_000, allowHosts: [] });
    expect(() => loadConfig(gatewayEnvSchema, { NODE_ENV: 'test', GATEWAY_CALENDAR_WINDOW_DAYS: '0' })).toThrow(/GATEWAY_CALENDAR_WINDOW_DAYS/);
  });
});
