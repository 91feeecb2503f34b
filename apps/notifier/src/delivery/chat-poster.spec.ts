import { loadConfig, notifierEnvSchema } from '@forewarn/config';
import { inTrace, recordSpans, stopTelemetry } from '@forewarn/service-kit';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChatPoster } from './chat-poster';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const summary = { headline: 'Acme Corp is at risk', why: 'A severity-1 case is open', state: 'at_risk' as const, score: 58, open: { label: 'Open Acme Corp', url: 'https://forewarn.example/accounts/acme' } };

describe('a chat post', () => {
  let server: Server;
  let url: string;
  const received: IncomingHttpHeaders[] = [];
  // A chat service inside the network, allowed as an operator would (FOREWARN_OUTBOUND_ALLOW_HOSTS).
  const poster = new ChatPoster(loadConfig(notifierEnvSchema, { NODE_ENV: 'test', FOREWARN_OUTBOUND_ALLOW_HOSTS: '127.0.0.1' }));

  beforeAll(async () => {
    recordSpans('notifier');
    server = createServer((request, response) => {
      received.push(request.headers);
      request.resume().on('end', () => response.end('ok'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/secret`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await stopTelemetry();
  });

  beforeEach(() => (received.length = 0));

  it('goes out in the trace of the delivery it belongs to, naming it in a traceparent header', async () => {
    expect(await inTrace(TRACEPARENT, () => poster.post({ kind: 'slack', url }, summary))).toBe('sent to slack');
    expect(received.map((headers) => headers.traceparent)).toEqual([TRACEPARENT]);
  });

  it('carries no traceparent outside a trace', async () => {
    expect(await poster.post({ kind: 'teams', url }, summary)).toBe('sent to teams');
    expect(received).toHaveLength(1);
    expect(received[0].traceparent).toBeUndefined();
  });
});
