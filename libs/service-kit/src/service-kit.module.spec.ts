import pino from 'pino';
import { redactLogLine } from './log-redaction';
import { prettyLogsAvailable, requestForLog } from './service-kit.module';
import { inTrace, recordSpans, stopTelemetry, traceLogFields } from './telemetry';

describe('request logs', () => {
  it('carry the method, path and a few harmless headers, never route params, cookies or credentials', () => {
    const logged = requestForLog({
      id: 7, method: 'POST', url: '/a/eyJ.sig', remoteAddress: '10.1.2.3',
      headers: { authorization: 'Bearer fw_usr_x', cookie: 'fw_session=fw_ses_y', 'user-agent': 'Zendesk Webhook', 'x-request-id': 'r-1' },
    });
    expect(logged).toEqual({ id: 7, method: 'POST', url: '/a/eyJ.sig', remoteAddress: '10.1.2.3', headers: { 'user-agent': 'Zendesk Webhook', 'x-request-id': 'r-1' } });
  });
});

describe('pretty logs', () => {
  it('are available where pino-pretty is installed (a development install)', () => {
    expect(prettyLogsAvailable()).toBe(true);
  });

  it('are not where it is missing (a production install), which then logs JSON instead of failing', () => {
    const missing = (id: string): string => { throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' }); };
    expect(prettyLogsAvailable(missing)).toBe(false);
  });
});

describe('log lines and traces', () => {
  afterEach(() => stopTelemetry());

  /** A pino logger as the services' (the mixin and the redaction hook), writing into `lines`. */
  const loggerInto = (lines: Record<string, unknown>[]) =>
    pino({ mixin: traceLogFields, hooks: { streamWrite: redactLogLine } }, { write: (line: string) => void lines.push(JSON.parse(line)) });

  it('carry the active span’s trace_id and span_id, and none outside a trace, with secrets still redacted', () => {
    recordSpans();
    const lines: Record<string, unknown>[] = [];
    const logger = loggerInto(lines);
    inTrace('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', () => logger.info({ msg: 'mail sent', url: '/v1/events?token=fw_src_abcdefghijklmnopqrstuvwx' }));
    logger.info({ msg: 'outside' });
    logger.info({ msg: 'outside again' });
    expect(lines.map(({ msg, trace_id, span_id, url }) => ({ msg, trace_id, span_id, url }))).toEqual([
      { msg: 'mail sent', trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: 'b7ad6b7169203331', url: '/v1/events?token=[redacted]' },
      { msg: 'outside', trace_id: undefined, span_id: undefined, url: undefined },
      { msg: 'outside again', trace_id: undefined, span_id: undefined, url: undefined },
    ]);
  });
});
