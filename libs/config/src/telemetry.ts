import { z } from 'zod';
import { ConfigError } from './config';

/**
 * Tracing settings: the OpenTelemetry SDK's standard `OTEL_*` variables, with the meaning the
 * specification gives them, validated like every other setting (one clear line on a bad value).
 * Trace context is always propagated and logged; spans are exported only when these say so: an
 * OTLP endpoint is set, or `OTEL_TRACES_EXPORTER=otlp` asks for the default one.
 */

/** `key=value,key=value` with percent-encoded values (W3C Baggage format), as headers and resource attributes are written. */
export function parseKeyValueList(text: string): Record<string, string> | null {
  const entries: [string, string][] = [];
  for (const member of text.split(',')) {
    if (member.trim() === '') continue;
    const at = member.indexOf('=');
    if (at <= 0) return null;
    const key = member.slice(0, at).trim();
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) return null;
    try {
      entries.push([key, decodeURIComponent(member.slice(at + 1).trim())]);
    } catch {
      return null;
    }
  }
  return Object.fromEntries(entries);
}

const keyValueList = (example: string) =>
  z
    .string()
    .optional()
    .refine((value) => value === undefined || parseKeyValueList(value) !== null, { message: `must be a comma-separated list of key=value pairs (values percent-encoded), e.g. ${example}` })
    .transform((value) => (value === undefined ? {} : parseKeyValueList(value)!));

const isHttpUrl = (value: string): boolean => {
  try {
    return /^https?:$/.test(new URL(value).protocol) && !/\s/.test(value);
  } catch {
    return false;
  }
};

const endpoint = z
  .string()
  .optional()
  .refine((value) => value === undefined || isHttpUrl(value), { message: 'must be an http(s) URL, e.g. http://otel-collector:4318' });

const protocol = z
  .string()
  .optional()
  .refine((value) => value === undefined || value === 'http/protobuf' || value === 'http/json', {
    message: 'must be http/protobuf or http/json (this build exports OTLP over HTTP, port 4318; not grpc)',
  });

const millis = (fallback: number) => z.coerce.number().int().min(1).max(3_600_000).default(fallback);

const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;

export const telemetryEnvSchema = z.object({
  OTEL_SDK_DISABLED: z
    .string()
    .default('false')
    .transform((value) => value.trim().toLowerCase())
    .refine((value) => value === 'true' || value === 'false', { message: 'must be true or false' })
    .transform((value) => value === 'true'),
  OTEL_SERVICE_NAME: z.string().trim().min(1).optional(),
  OTEL_RESOURCE_ATTRIBUTES: keyValueList('deployment.environment.name=production,service.namespace=forewarn'),
  OTEL_TRACES_EXPORTER: z.enum(['otlp', 'none'], { errorMap: () => ({ message: 'must be otlp or none' }) }).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: endpoint,
  OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol,
  OTEL_EXPORTER_OTLP_HEADERS: keyValueList('authorization=Bearer%20abc'),
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: keyValueList('authorization=Bearer%20abc'),
  OTEL_EXPORTER_OTLP_TIMEOUT: millis(10_000),
  OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: millis(10_000).optional(),
  OTEL_EXPORTER_OTLP_COMPRESSION: z.enum(['gzip', 'none'], { errorMap: () => ({ message: 'must be gzip or none' }) }).optional(),
  OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: z.enum(['gzip', 'none'], { errorMap: () => ({ message: 'must be gzip or none' }) }).optional(),
  OTEL_TRACES_SAMPLER: z.enum(SAMPLERS, { errorMap: () => ({ message: `must be one of ${SAMPLERS.join(', ')}` }) }).default('parentbased_always_on'),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional(),
  OTEL_BSP_SCHEDULE_DELAY: millis(5_000),
  OTEL_BSP_EXPORT_TIMEOUT: millis(30_000),
  OTEL_BSP_MAX_QUEUE_SIZE: z.coerce.number().int().min(1).max(1_000_000).default(2048),
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: z.coerce.number().int().min(1).max(1_000_000).default(512),
});

export type TracesSampler = (typeof SAMPLERS)[number];

export interface TraceExport {
  /** Where spans are posted (`…/v1/traces`). */
  url: string;
  protocol: 'http/protobuf' | 'http/json';
  /** Sent with every export (may hold a collector's credentials: never logged). */
  headers: Record<string, string>;
  timeoutMs: number;
  compression: 'gzip' | 'none';
  batch: { scheduledDelayMillis: number; exportTimeoutMillis: number; maxQueueSize: number; maxExportBatchSize: number };
}

export interface TelemetryConfig {
  /** `OTEL_SDK_DISABLED=true`: no spans of our own; an incoming trace context is still passed on. */
  sdkDisabled: boolean;
  /** `OTEL_SERVICE_NAME`, or null for the service's own name. */
  serviceName: string | null;
  resourceAttributes: Record<string, string>;
  sampler: { name: TracesSampler; ratio: number };
  /** Where spans go; null when nothing is exported (the default). */
  export: TraceExport | null;
}

/** The specification's default when asked to export with no endpoint set. */
const DEFAULT_ENDPOINT = 'http://localhost:4318';

/** `OTEL_EXPORTER_OTLP_ENDPOINT` is a base: the signal's path is appended to it. */
const tracesUrlUnder = (base: string) => `${base.replace(/\/+$/, '')}/v1/traces`;

/** Reads the tracing settings; throws a ConfigError naming the first bad variable. */
export function loadTelemetryConfig(env: NodeJS.ProcessEnv = process.env): TelemetryConfig {
  const blankToUndefined = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === '' ? undefined : v]));
  const parsed = telemetryEnvSchema.safeParse(blankToUndefined);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(String(issue.path[0] ?? 'environment'), issue.message.replace(/^String /, ''));
  }
  const c = parsed.data;
  const endpointSet = c.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined || c.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined;
  const exporting = !c.OTEL_SDK_DISABLED && (c.OTEL_TRACES_EXPORTER ?? (endpointSet ? 'otlp' : 'none')) === 'otlp';
  return {
    sdkDisabled: c.OTEL_SDK_DISABLED,
    serviceName: c.OTEL_SERVICE_NAME ?? null,
    resourceAttributes: c.OTEL_RESOURCE_ATTRIBUTES,
    sampler: { name: c.OTEL_TRACES_SAMPLER, ratio: c.OTEL_TRACES_SAMPLER_ARG ?? 1 },
    export: exporting
      ? {
          url: c.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? tracesUrlUnder(c.OTEL_EXPORTER_OTLP_ENDPOINT ?? DEFAULT_ENDPOINT),
          protocol: (c.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? c.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf') as TraceExport['protocol'],
          headers: { ...c.OTEL_EXPORTER_OTLP_HEADERS, ...c.OTEL_EXPORTER_OTLP_TRACES_HEADERS },
          timeoutMs: c.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ?? c.OTEL_EXPORTER_OTLP_TIMEOUT,
          compression: c.OTEL_EXPORTER_OTLP_TRACES_COMPRESSION ?? c.OTEL_EXPORTER_OTLP_COMPRESSION ?? 'none',
          batch: {
            scheduledDelayMillis: c.OTEL_BSP_SCHEDULE_DELAY,
            exportTimeoutMillis: c.OTEL_BSP_EXPORT_TIMEOUT,
            maxQueueSize: c.OTEL_BSP_MAX_QUEUE_SIZE,
            maxExportBatchSize: Math.min(c.OTEL_BSP_MAX_EXPORT_BATCH_SIZE, c.OTEL_BSP_MAX_QUEUE_SIZE),
          },
        }
      : null,
  };
}

/** For a service's start: the tracing settings, or the one clear line and exit 78, like `loadConfigOrExit`. */
export function loadTelemetryConfigOrExit(app: string, env: NodeJS.ProcessEnv = process.env): TelemetryConfig {
  try {
    return loadTelemetryConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`forewarn ${app}: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

/** Where spans go, for the start-up line: the URL without credentials, never the headers. */
export function describeTraceExport(config: TelemetryConfig): string {
  if (config.sdkDisabled) return 'off (OTEL_SDK_DISABLED): trace context passed on, no spans of our own';
  if (!config.export) return 'not exported (trace ids in the logs; set OTEL_EXPORTER_OTLP_ENDPOINT to export spans)';
  const url = new URL(config.export.url);
  url.username = '';
  url.password = '';
  return `exported to ${url.toString()} (${config.export.protocol})`;
}
