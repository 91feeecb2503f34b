import { type DynamicModule, Global, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { hostname } from 'node:os';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import { redactLogLine } from './log-redaction';
import { Metrics } from './metrics';
import { OpsController } from './ops.controller';
import { Readiness } from './readiness';
import { ReadinessMetrics } from './readiness-metrics';
import { flushTelemetry, traceLogFields } from './telemetry';

/** Spans still waiting go to the collector before the process ends (best effort: a late span may miss it). */
@Injectable()
export class TelemetryFlush implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await flushTelemetry();
  }
}

export interface ServiceKitOptions {
  service: string;
  logLevel: string;
  /** Pretty, human-readable logs (for `npm start`); JSON lines otherwise. */
  prettyLogs?: boolean;
}


interface SerializedRequest {
  id?: unknown;
  method?: string;
  url?: string;
  remoteAddress?: string;
  headers?: Record<string, unknown>;
}

const LOGGED_HEADERS = ['user-agent', 'content-type', 'content-length', 'x-request-id'];

export const requestForLog = (req: SerializedRequest) => ({
  id: req.id,
  method: req.method,
  url: req.url, // query keys are masked with every other secret (log-redaction.ts)
  remoteAddress: req.remoteAddress,
  headers: Object.fromEntries(LOGGED_HEADERS.filter((name) => req.headers?.[name] !== undefined).map((name) => [name, req.headers?.[name]])),
});

/**
 * Pretty logs need pino-pretty, a development dependency: an installation without it (the Docker
 * image installs production dependencies only) logs JSON lines and says so once, instead of
 * failing to start over how its logs look.
 */
export function prettyLogsAvailable(resolve: (id: string) => string = require.resolve): boolean {
  try {
    resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/**
 * What every Forewarn process has: structured logs (pino) with the service name, a request id and
 * the trace id, `/healthz`, `/readyz`, `/metrics`.
 */
@Global()
@Module({})
export class ServiceKitModule {
  static forRoot(options: ServiceKitOptions): DynamicModule {
    const base = { pid: process.pid, hostname: hostname(), service: options.service };
    const pretty = options.prettyLogs === true && prettyLogsAvailable();
    if (options.prettyLogs && !pretty) {
      pino({ name: options.service, level: options.logLevel, base }).warn('LOG_FORMAT=pretty needs pino-pretty, a development dependency that this installation lacks; logging JSON lines');
    }
    return {
      module: ServiceKitModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            name: options.service,
            level: options.logLevel,
            // Whatever logged it, no secret leaves the process in a log line (log-redaction.ts).
            hooks: { streamWrite: redactLogLine },
            // The active span's trace_id and span_id on every line, so one event can be followed across services.
            mixin: traceLogFields,
            // Systems that cannot set headers send their key as ?token=; keep it out of the logged URL too.
            // What a request line needs, no more: no route params or query (a link token is a route param), no cookies.
            serializers: { req: requestForLog, res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }) },
            autoLogging: { ignore: (req) => ['/healthz', '/readyz', '/metrics'].includes(req.url ?? '') },
            // The service name is bound once, on every line; pino-http's customProps would build a second
            // child logger for each request (most of its per-request cost, measured on the gateway).
            base,
            ...(pretty ? { transport: { target: 'pino-pretty', options: { singleLine: true, colorize: true, ignore: 'pid,hostname,service,req,res,responseTime,span_id', messageKey: 'msg' } } } : {}),
          },
        }),
      ],
      controllers: [OpsController],
      providers: [Readiness, ReadinessMetrics, TelemetryFlush, { provide: Metrics, useFactory: () => { const m = new Metrics(); m.setService(options.service); return m; } }],
      exports: [Readiness, Metrics],
    };
  }
}
