import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpTracing } from './http-tracing';
import { recordSpans, stopTelemetry, traceLogFields } from './telemetry';

const INCOMING = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('every HTTP request in a server span', () => {
  let server: Server;
  let url: string;
  let spans: ReturnType<typeof recordSpans>;
  const seen: { trace_id?: string; span_id?: string }[] = [];

  beforeAll(async () => {
    spans = recordSpans('gateway');
    const app = express();
    app.use(httpTracing());
    app.post('/v1/webhooks/:kind/:source', async (_request, response) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      seen.push(traceLogFields());
      response.status(202).json({ accepted: 1 });
    });
    app.get('/boom', () => {
      throw new Error('boom');
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await stopTelemetry();
  });

  beforeEach(() => (seen.length = 0));

  const lastSpan = async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    return spans.finished().at(-1)!;
  };

  it('continues the caller’s trace, and what the request does (its log lines) is in that trace', async () => {
    expect((await fetch(`${url}/v1/webhooks/zendesk/zd-prod?token=fw_src_secret`, { method: 'POST', headers: { traceparent: INCOMING } })).status).toBe(202);
    const span = await lastSpan();
    expect(span.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(span.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(seen).toEqual([{ trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: span.spanContext().spanId }]);
  });

  it('starts a trace for a request that brings none', async () => {
    await fetch(`${url}/v1/webhooks/zendesk/zd-prod`, { method: 'POST' });
    const span = await lastSpan();
    expect(span.parentSpanContext).toBeUndefined();
    expect(seen).toEqual([{ trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId }]);
  });

  it('names the span by method and route pattern, never the path (ids and tokens are in paths)', async () => {
    await fetch(`${url}/v1/webhooks/zendesk/zd-prod?token=fw_src_secret`, { method: 'POST' });
    const span = await lastSpan();
    expect(span.name).toBe('POST /v1/webhooks/:kind/:source');
    expect(span.attributes).toEqual({ 'http.request.method': 'POST', 'http.route': '/v1/webhooks/:kind/:source', 'http.response.status_code': 202 });
    expect(JSON.stringify(span.attributes)).not.toContain('zd-prod');
  });

  it('marks a server error, and names a request no route took as unmatched', async () => {
    expect((await fetch(`${url}/boom`)).status).toBe(500);
    expect(await lastSpan()).toMatchObject({ name: 'GET /boom', status: { code: 2 } });
    await fetch(`${url}/nothing/here`);
    expect((await lastSpan()).name).toBe('GET unmatched');
  });
});
