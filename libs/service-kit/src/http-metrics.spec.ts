import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import { httpMetrics } from './http-metrics';
import { Metrics } from './metrics';

const finished = (request: Partial<Request>, status: number) => {
  const response = Object.assign(new EventEmitter(), { statusCode: status }) as unknown as Response;
  return { request: { method: 'POST', baseUrl: '', ...request } as Request, response };
};

describe('HTTP metrics', () => {
  it('count and time each request by the route pattern that matched and its status, never by its path', async () => {
    const metrics = new Metrics();
    const measure = httpMetrics(metrics);
    for (const [request, status] of [
      [{ route: { path: '/a/:token' } }, 200],
      [{ route: { path: '/a/:token' } }, 200],
      [{ route: { path: '/v1/events' } }, 429],
      [{ url: '/no/such/path/with/an/id-123' }, 404],
    ] as const) {
      const { request: req, response } = finished(request as Partial<Request>, status);
      measure(req, response, () => undefined);
      response.emit('finish');
    }
    const text = await metrics.registry.metrics();
    expect(text).toContain('forewarn_http_request_duration_seconds_count{method="POST",route="/a/:token",status="200"} 2');
    expect(text).toContain('forewarn_http_request_duration_seconds_count{method="POST",route="/v1/events",status="429"} 1');
    expect(text).toContain('forewarn_http_request_duration_seconds_count{method="POST",route="unmatched",status="404"} 1');
    expect(text).not.toContain('id-123');
  });

  it('leave Node.js’s own metrics under their standard names', async () => {
    const text = await new Metrics().registry.metrics();
    expect(text).toMatch(/^process_cpu_seconds_total/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes/m);
    expect(text).not.toMatch(/^forewarn_process_/m);
  });
});
