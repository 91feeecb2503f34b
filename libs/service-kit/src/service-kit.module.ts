import { type DynamicModule, Global, Module } from '@nestjs/common';
import { hostname } from 'node:os';
import { LoggerModule } from 'nestjs-pino';
import { Metrics } from './metrics';
import { OpsController } from './ops.controller';
import { Readiness } from './readiness';

export interface ServiceKitOptions {
  service: string;
  logLevel: string;
  /** Pretty, human-readable logs (for `npm start`); JSON lines otherwise. */
  prettyLogs?: boolean;
}

/** `/v1/webhooks/x?token=secret&a=1` → `/v1/webhooks/x?token=[redacted]&a=1`. */
// Runs for every logged request: a URL with neither `?` nor `&` has nothing to mask, so it skips the regular expression.
export const maskTokens = (url: string | undefined): string | undefined => (url !== undefined && (url.includes('?') || url.includes('&')) ? url.replace(/([?&]token=)[^&#]*/gi, '$1[redacted]') : url);

/**
 * What every Forewarn process has: structured logs (pino) with the service name and a
 * request id, `/healthz`, `/readyz`, `/metrics`.
 */
@Global()
@Module({})
export class ServiceKitModule {
  static forRoot(options: ServiceKitOptions): DynamicModule {
    return {
      module: ServiceKitModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            name: options.service,
            level: options.logLevel,
            redact: ['req.headers.authorization', 'req.headers.cookie', 'req.query.token'],
            // Systems that cannot set headers send their key as ?token=; keep it out of the logged URL too.
            serializers: { req: (req: { url?: string }) => Object.assign(req, { url: maskTokens(req.url) }) },
            autoLogging: { ignore: (req) => ['/healthz', '/readyz', '/metrics'].includes(req.url ?? '') },
            // The service name is bound once, on every line; pino-http's customProps would build a second
            // child logger for each request (most of its per-request cost, measured on the gateway).
            base: { pid: process.pid, hostname: hostname(), service: options.service },
            ...(options.prettyLogs ? { transport: { target: 'pino-pretty', options: { singleLine: true, colorize: true, ignore: 'pid,hostname,service,req,res,responseTime', messageKey: 'msg' } } } : {}),
          },
        }),
      ],
      controllers: [OpsController],
      providers: [Readiness, { provide: Metrics, useFactory: () => { const m = new Metrics(); m.setService(options.service); return m; } }],
      exports: [Readiness, Metrics],
    };
  }
}
