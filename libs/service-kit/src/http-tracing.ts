import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { routeOf } from './http-metrics';
import { forewarnTracer } from './telemetry';

/**
 * A server span for every HTTP request: it continues the caller's trace (a W3C `traceparent`
 * header) or starts one, and the request is handled inside it, so whatever the request publishes
 * (Kafka headers) and logs (`trace_id`) belongs to that trace. Named by method and route pattern,
 * never the path itself (ids and link tokens are in paths).
 */
export function httpTracing() {
  return (request: Request, response: Response, next: NextFunction): void => {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = forewarnTracer().startSpan(request.method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method } }, parent);
    response.once('finish', () => {
      const route = routeOf(request);
      span.updateName(`${request.method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': response.statusCode });
      if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    // A client that went away before the answer: the span ends all the same.
    response.once('close', () => {
      if (!response.writableFinished) span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}
