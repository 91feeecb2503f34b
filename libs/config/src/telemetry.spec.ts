import { describeTraceExport, loadTelemetryConfig, parseKeyValueList } from './telemetry';

describe('tracing settings (the standard OTEL_* variables)', () => {
  it('export nothing unless asked: trace context is still propagated and logged', () => {
    const config = loadTelemetryConfig({});
    expect(config).toMatchObject({ sdkDisabled: false, serviceName: null, export: null, sampler: { name: 'parentbased_always_on', ratio: 1 } });
    expect(describeTraceExport(config)).toMatch(/^not exported/);
  });

  it('export to <endpoint>/v1/traces over http/protobuf once OTEL_EXPORTER_OTLP_ENDPOINT is set', () => {
    const config = loadTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' });
    expect(config.export).toMatchObject({ url: 'http://collector:4318/v1/traces', protocol: 'http/protobuf', headers: {}, timeoutMs: 10_000, compression: 'none' });
    expect(config.export?.batch).toEqual({ scheduledDelayMillis: 5000, exportTimeoutMillis: 30_000, maxQueueSize: 2048, maxExportBatchSize: 512 });
  });

  it('take the traces endpoint as it is, and the traces-specific settings over the general ones', () => {
    const config = loadTelemetryConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://general:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/otlp/spans',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-team=sales,authorization=Bearer%20general', OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'authorization=Bearer%20traces',
      OTEL_EXPORTER_OTLP_TIMEOUT: '2000', OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '3000', OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
    });
    expect(config.export).toMatchObject({
      url: 'https://traces.example/otlp/spans', protocol: 'http/json', headers: { 'x-team': 'sales', authorization: 'Bearer traces' }, timeoutMs: 3000, compression: 'gzip',
    });
  });

  it('export to the default endpoint when OTEL_TRACES_EXPORTER=otlp asks for it, and never with none or OTEL_SDK_DISABLED', () => {
    expect(loadTelemetryConfig({ OTEL_TRACES_EXPORTER: 'otlp' }).export?.url).toBe('http://localhost:4318/v1/traces');
    expect(loadTelemetryConfig({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).export).toBeNull();
    const disabled = loadTelemetryConfig({ OTEL_SDK_DISABLED: 'TRUE', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' });
    expect(disabled).toMatchObject({ sdkDisabled: true, export: null });
    expect(describeTraceExport(disabled)).toMatch(/^off/);
  });

  it('name the service, the resource and the sampler as set', () => {
    const config = loadTelemetryConfig({ OTEL_SERVICE_NAME: 'gateway-eu', OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=prod, service.namespace=forewarn', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' });
    expect(config).toMatchObject({ serviceName: 'gateway-eu', resourceAttributes: { 'deployment.environment.name': 'prod', 'service.namespace': 'forewarn' }, sampler: { name: 'parentbased_traceidratio', ratio: 0.25 } });
  });

  it('name the variable when a value is bad', () => {
    const bad: Record<string, RegExp> = {
      OTEL_EXPORTER_OTLP_ENDPOINT: /OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL/,
      OTEL_EXPORTER_OTLP_PROTOCOL: /OTEL_EXPORTER_OTLP_PROTOCOL must be http\/protobuf or http\/json/,
      OTEL_TRACES_EXPORTER: /OTEL_TRACES_EXPORTER must be otlp or none/,
      OTEL_TRACES_SAMPLER: /OTEL_TRACES_SAMPLER must be one of always_on/,
      OTEL_SDK_DISABLED: /OTEL_SDK_DISABLED must be true or false/,
      OTEL_EXPORTER_OTLP_HEADERS: /OTEL_EXPORTER_OTLP_HEADERS must be a comma-separated list of key=value pairs/,
    };
    const values: Record<string, string> = { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_TRACES_EXPORTER: 'zipkin', OTEL_TRACES_SAMPLER: 'sometimes', OTEL_SDK_DISABLED: 'yes', OTEL_EXPORTER_OTLP_HEADERS: 'no-equals-sign' };
    for (const [variable, message] of Object.entries(bad)) expect(() => loadTelemetryConfig({ [variable]: values[variable] })).toThrow(message);
    expect(() => loadTelemetryConfig({ OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
  });

  it('never show a collector’s credentials in the start-up line', () => {
    const config = loadTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://user:s3cret@collector.example:4318', OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20t0ken' });
    const line = describeTraceExport(config);
    expect(line).toBe('exported to https://collector.example:4318/v1/traces (http/protobuf)');
  });

  it('read key=value lists with percent-encoded values, and refuse what is not one', () => {
    expect(parseKeyValueList('a=1, b=x%2Cy ,')).toEqual({ a: '1', b: 'x,y' });
    expect(parseKeyValueList('=1')).toBeNull();
    expect(parseKeyValueList('a=%E0%A4%A')).toBeNull();
  });
});
