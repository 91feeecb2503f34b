import { type DynamicModule, Global, Module } from '@nestjs/common';
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
export const maskTokens = (url: string | undefined): string | undefined => url?.replace(/([?&]token=)[^&#]*/gi, '$1[redacted]');

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
            customProps: () => ({ service: options.service }),
            ...(options.prettyLogs ? { transport: { target: 'pino-pretty', options: { singleLine: true, colorize: true, ignore: 'pid,hostname,req,res,responseTime', messageKey: 'msg' } } } : {}),
          },
        }),
      ],
      controllers: [OpsController],
      providers: [Readiness, { provide: Metrics, useFactory: () => { const m = new Metrics(); m.setService(options.service); return m; } }],
      exports: [Readiness, Metrics],
    };
  }
}
