import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { loadTelemetryConfig } from '@forewarn/config';
import {
  contextOf, forewarnTracer, inTrace, outsideAnyTrace, recordSpans, spanContextOf, startTelemetry, stopTelemetry, traceLogFields, traceparentOf, tracingStatus,
  serviceOfMainScript,
} from './telemetry';

const INCOMING = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('tracing', () => {
  afterEach(() => stopTelemetry());

  it('knows which service a main script is', () => {
    expect(serviceOfMainScript('/app/dist/apps/account-health/src/main.js')).toBe('account-health');
    expect(serviceOfMainScript('/usr/lib/node_modules/something/index.js')).toBe('forewarn');
    expect(serviceOfMainScript(undefined)).toBe('forewarn');
  });

  // Spans reaching a collector (and none without one) are shown end to end, by the services
  // themselves: test/tracing.e2e-spec.ts. The exporter loads Node's http module with a dynamic
  // import, which Jest's module system does not run.
  it('says at start whether and where spans are exported', () => {
    startTelemetry('gateway', loadTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }));
    expect(tracingStatus()).toBe('exported to http://collector:4318/v1/traces (http/json)');
  });

  it('gives every span a trace id and the log fields, exported or not', () => {
    startTelemetry('gateway', loadTelemetryConfig({}));
    expect(tracingStatus()).toMatch(/^not exported/);
    const span = forewarnTracer().startSpan('POST /v1/events');
    expect(span.isRecording()).toBe(true);
    expect(context.with(trace.setSpan(ROOT_CONTEXT, span), traceLogFields)).toEqual({ trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
    span.end();
  });

  it('with OTEL_SDK_DISABLED makes no spans of its own but passes an incoming trace on unchanged', () => {
    startTelemetry('gateway', loadTelemetryConfig({ OTEL_SDK_DISABLED: 'true' }));
    const incoming = propagation.extract(ROOT_CONTEXT, { traceparent: INCOMING });
    const span = forewarnTracer().startSpan('POST /v1/events', {}, incoming);
    expect(span.isRecording()).toBe(false);
    expect(traceparentOf(trace.setSpan(incoming, span))).toBe(INCOMING);
    expect(traceparentOf(trace.setSpan(ROOT_CONTEXT, forewarnTracer().startSpan('no parent')))).toBeNull();
  });

  it('carries a trace through a traceparent: log fields inside it, a child span in the same trace, nothing outside', async () => {
    const spans = recordSpans();
    expect(traceLogFields()).toEqual({});
    expect(traceparentOf()).toBeNull();
    await inTrace(INCOMING, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(traceLogFields()).toEqual({ trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: 'b7ad6b7169203331' });
      expect(traceparentOf()).toBe(INCOMING);
      forewarnTracer().startSpan('child').end();
      expect(outsideAnyTrace(traceLogFields)).toEqual({});
    });
    expect(spans.finished().map((s) => [s.name, s.spanContext().traceId, s.parentSpanContext?.spanId])).toEqual([['child', '0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331']]);
    expect(traceparentOf(contextOf('00-garbage'))).toBeNull();
  });

  it('reads a traceparent as W3C Trace Context says: version 00 exactly, a later version with more fields, never ff or zero ids', () => {
    expect(spanContextOf(INCOMING)).toEqual({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true });
    expect(spanContextOf('01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00-what-comes-later')).toMatchObject({ traceFlags: 0 });
    for (const invalid of [
      `${INCOMING}-more`, 'ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', '00-00000000000000000000000000000000-b7ad6b7169203331-01',
      '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01', '00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01', '', null, undefined,
    ]) expect(spanContextOf(invalid)).toBeNull();
  });
});
