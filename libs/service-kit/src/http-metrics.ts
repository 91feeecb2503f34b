import type { NextFunction, Request, Response } from 'express';
import type { Metrics } from './metrics';

/** Latency buckets for HTTP answers, in seconds: ingest answers in milliseconds, pages in tens of them. */
const BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * Every HTTP request, counted and timed by route and status: `forewarn_http_requests_total` and
 * `forewarn_http_request_duration_seconds{method, route, status}`. The route is the pattern that
 * matched (`/v1/webhooks/:kind/:source`), never the path itself, so ids and tokens in paths neither
 * reach the metrics nor multiply their series; a request no route took is `unmatched`.
 */
/** The route pattern that took a request (`/v1/webhooks/:kind/:source`), or `unmatched`. */
export function routeOf(request: Request): string {
  const route = (request.route as { path?: string } | undefined)?.path;
  return route ? `${request.baseUrl ?? ''}${route}` : 'unmatched';
}

export function httpMetrics(metrics: Metrics) {
  const duration = metrics.histogram('forewarn_http_request_duration_seconds', 'HTTP requests by method, route and status, with their latency', ['method', 'route', 'status'], BUCKETS);
  return (request: Request, response: Response, next: NextFunction): void => {
    const stop = duration.startTimer();
    response.once('finish', () => stop({ method: request.method, route: routeOf(request), status: String(response.statusCode) }));
    next();
  };
}
