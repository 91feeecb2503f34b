import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { httpMetrics } from './http-metrics';
import { httpTracing } from './http-tracing';
import { tracingStatus } from './telemetry';
import { Metrics } from './metrics';
import { StartupDetailAtDebug } from './startup-log-level';

/** The tail of every `main.ts`: our logger, clean shutdown on SIGTERM/SIGINT, listen. */
export async function serve(app: INestApplication, port: number, service: string): Promise<void> {
  // Nest's start-up narration (modules, route maps) at debug: a healthy start says what matters.
  app.useLogger(new StartupDetailAtDebug(app.get(PinoNestLogger)));
  app.enableShutdownHooks();
  // Before the routes (Nest adds them when it listens), so every request is traced and timed, refused ones too.
  app.use(httpTracing());
  app.use(httpMetrics(app.get(Metrics)));
  const server = app.getHttpServer() as Server;
  answerProtocolErrorsAsProblems(server);
  // Keep idle connections longer than clients and load balancers do (Node closes them after 5 s):
  // otherwise a client reusing a connection just as the server drops it sees a reset, not an answer.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await app.listen(port, '0.0.0.0');
  app.get(PinoNestLogger).log({ msg: `${service} listening`, port, traces: tracingStatus() });
}

/**
 * Requests Node's HTTP parser refuses (oversized headers, malformed request lines) never reach
 * Nest; answer them as problem+json too instead of Node's bare status line.
 */
export function answerProtocolErrorsAsProblems(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, title, detail] = error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'The request headers are too large.']
      : [400, 'Bad Request', 'The request is not valid HTTP.'];
    const body = JSON.stringify({ type: 'about:blank', title, status, detail });
    socket.end(`HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
}
