import {
  type Context, context, diag, DiagLogLevel, isSpanContextValid, propagation, ROOT_CONTEXT, type Span, type SpanContext, type SpanOptions, SpanStatusCode, trace, type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, InMemorySpanExporter, ParentBasedSampler, type ReadableSpan, type Sampler, SimpleSpanProcessor, type SpanExporter,
  type SpanProcessor, TraceIdRatioBasedSampler, TracerProvider,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { Logger } from '@nestjs/common';
import { describeTraceExport, type TelemetryConfig, type TraceExport } from '@forewarn/config';

/**
 * Tracing for every Forewarn service (OpenTelemetry, W3C Trace Context): started before Nest by
 * `telemetry-register.ts`, which every service is started with (`node-args.ts`).
 *
 * The context manager and the W3C propagator are always on, so a trace id follows an event from
 * the gateway's request through Kafka, account-health and the outbox to the notifier's mail, and
 * is in every log line on the way, with or without a collector. Spans are exported only when the
 * standard `OTEL_*` variables say so (libs/config, `loadTelemetryConfig`).
 *
 * No auto-instrumentation: a few explicit spans (HTTP requests, Kafka batches, the sweep, each
 * delivery) say what an operator needs, and cost the gateway's hot path next to nothing.
 */

/** The tracer of our own spans (looked up at each use, which costs a map lookup: tests start and stop tracing). */
export const forewarnTracer = (): Tracer => trace.getTracer('forewarn');

/** The W3C header that carries trace context, in HTTP and Kafka alike. */
export const TRACEPARENT = 'traceparent';

/**
 * A batch span links to each distinct trace context of its messages; the specification's default
 * of 128 links would drop most of a full batch's.
 */
const MAX_LINKS = 5000;

let provider: TracerProvider | null = null;
let status = 'off: tracing was not started (services start it with the options of node-args.ts)';

/** Which service a main script is (`dist/apps/<service>/src/main.js`); `forewarn` if it is none of them. */
export function serviceOfMainScript(path: string | undefined): string {
  return /[\\/]apps[\\/]([a-z-]+)[\\/]src[\\/]main\.[jt]s$/.exec(path ?? '')?.[1] ?? 'forewarn';
}

function samplerFor({ name, ratio }: TelemetryConfig['sampler']): Sampler {
  const ratioSampler = new TraceIdRatioBasedSampler(ratio);
  switch (name) {
    case 'always_on': return new AlwaysOnSampler();
    case 'always_off': return new AlwaysOffSampler();
    case 'traceidratio': return ratioSampler;
    case 'parentbased_always_off': return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio': return new ParentBasedSampler({ root: ratioSampler });
    case 'parentbased_always_on': return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

type ExporterOptions = NonNullable<ConstructorParameters<typeof OtlpJsonExporter>[0]>;

function exporterFor(target: TraceExport): SpanExporter {
  // The exporters' compression is an enum of the same two strings ('gzip', 'none').
  const options: ExporterOptions = { url: target.url, headers: target.headers, timeoutMillis: target.timeoutMs, compression: target.compression as ExporterOptions['compression'] };
  return target.protocol === 'http/json' ? new OtlpJsonExporter(options) : new OtlpProtobufExporter(options);
}

/**
 * Starts tracing for `service`: context and propagation always; spans unless `OTEL_SDK_DISABLED`;
 * exported only if configured. Once per process (a second call changes nothing).
 */
export function startTelemetry(service: string, config: TelemetryConfig): void {
  if (!registerContextAndPropagation()) return;
  status = describeTraceExport(config);
  // What the SDK has to say (an export that failed) reaches the service's log once Nest's logger is up.
  const logger = new Logger('Telemetry');
  diag.setLogger({ error: (m) => logger.warn(m), warn: (m) => logger.warn(m), info: () => undefined, debug: () => undefined, verbose: () => undefined }, DiagLogLevel.WARN);
  if (config.sdkDisabled) return;
  registerProvider(
    { ...config.resourceAttributes, [ATTR_SERVICE_NAME]: config.serviceName ?? service },
    samplerFor(config.sampler),
    config.export ? [new BatchSpanProcessor({ exporter: exporterFor(config.export), ...config.export.batch })] : [],
  );
}

/** Tests: tracing as a service has it by default, with the finished spans kept in memory to look at. */
export function recordSpans(service = 'test'): { finished(): ReadableSpan[] } {
  const memory = new InMemorySpanExporter();
  if (!registerContextAndPropagation()) throw new Error('tracing is already started: stopTelemetry() first');
  registerProvider({ [ATTR_SERVICE_NAME]: service }, samplerFor({ name: 'parentbased_always_on', ratio: 1 }), [new SimpleSpanProcessor({ exporter: memory })]);
  return { finished: () => memory.getFinishedSpans() };
}

function registerContextAndPropagation(): boolean {
  if (!context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())) return false;
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return true;
}

function registerProvider(resource: Record<string, string>, sampler: Sampler, spanProcessors: SpanProcessor[]): void {
  provider = new TracerProvider({ resource: resourceFromAttributes(resource), sampler, spanLimits: { linkCountLimit: MAX_LINKS }, spanProcessors });
  trace.setGlobalTracerProvider(provider);
}

/** What tracing does in this process, for the start-up line: whether and where spans are exported. */
export function tracingStatus(): string {
  return status;
}

/** Sends the spans still waiting (at shutdown). */
export async function flushTelemetry(): Promise<void> {
  await provider?.forceFlush().catch(() => undefined);
}

/** Flushes and undoes `startTelemetry` (tests). */
export async function stopTelemetry(): Promise<void> {
  await provider?.shutdown().catch(() => undefined);
  provider = null;
  trace.disable();
  propagation.disable();
  context.disable();
  diag.disable();
}

/** The last span context written as a traceparent: a request's events are encoded one after another in the same span. */
let lastWritten: { span: SpanContext; traceparent: string } | null = null;

/** The W3C `traceparent` of a context's span (the active one by default); null when there is none. */
export function traceparentOf(ctx: Context = context.active()): string | null {
  const span = trace.getSpanContext(ctx);
  if (!span) return null;
  if (lastWritten?.span === span) return lastWritten.traceparent;
  if (!isSpanContextValid(span)) return null;
  lastWritten = { span, traceparent: `00-${span.traceId}-${span.spanId}-${(span.traceFlags & 0xff).toString(16).padStart(2, '0')}` };
  return lastWritten.traceparent;
}

/** A span's trace id (32 hex digits); null for a span outside any trace (tracing not started). */
export function traceIdOf(span: Span): string | null {
  const spanContext = span.spanContext();
  return isSpanContextValid(spanContext) ? spanContext.traceId : null;
}

/** W3C Trace Context's `traceparent`: version, trace id, parent span id, flags; a later version may add fields. */
const TRACEPARENT_FORMAT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

/**
 * The span context a `traceparent` names; null when it is missing or not valid W3C. One regular
 * expression (the SDK's parser and validity check take four): it runs for every consumed message.
 */
export function spanContextOf(traceparent: string | null | undefined): SpanContext | null {
  const match = traceparent ? TRACEPARENT_FORMAT.exec(traceparent) : null;
  if (!match) return null;
  const [, version, traceId, spanId, flags, rest] = match;
  if (version === 'ff' || (version === '00' && rest !== undefined) || traceId === ZERO_TRACE_ID || spanId === ZERO_SPAN_ID) return null;
  return { traceId, spanId, traceFlags: parseInt(flags, 16), isRemote: true };
}

/** A context whose parent is the span a `traceparent` names, or a fresh one (a new trace) without it. */
export function contextOf(traceparent: string | null | undefined): Context {
  const parent = spanContextOf(traceparent);
  return parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
}

/**
 * Runs `work` in a new span, a child of `parent`'s (the active context by default; `root: true` for
 * a trace of its own), and ends it when the work settles; a failure marks it as an error.
 */
export async function inSpan<T>(name: string, options: SpanOptions, work: (span: Span) => Promise<T>, parent: Context = context.active()): Promise<T> {
  const span = forewarnTracer().startSpan(name, options, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}

/** Runs `work` in the trace a `traceparent` names (its log lines carry that trace id). */
export function inTrace<T>(traceparent: string | null | undefined, work: () => T): T {
  return context.with(contextOf(traceparent), work);
}

/** Runs `work` outside any caller's trace: a background loop's pass is not part of whoever woke it. */
export function outsideAnyTrace<T>(work: () => T): T {
  return context.with(ROOT_CONTEXT, work);
}

/** The log fields of the active span (pino's `mixin`): `trace_id` and `span_id`, or nothing. A new object each time: pino merges the line into it. */
export function traceLogFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getSpanContext(context.active());
  return span && isSpanContextValid(span) ? { trace_id: span.traceId, span_id: span.spanId } : {};
}
