import { MAIL_HEADER } from '@forewarn/contracts';
import type { Consumer } from 'kafkajs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Bus, startBus } from './support/bus';
import { eventually } from './support/services';

/**
 * An operator follows one support event to the mail it caused: its trace id (W3C Trace Context)
 * is in the gateway's, account-health's and the notifier's log lines, in the `traceparent`
 * headers on events.v1 and alerts.v1, and in the mail's X-Forewarn-Trace-Id — with no collector
 * anywhere. With one (OTEL_EXPORTER_OTLP_ENDPOINT), the services' spans arrive there.
 */

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const INCOMING = `00-${TRACE}-00f067aa0ba902b7-01`;
const traceIdOf = (traceparent: string | undefined) => /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent ?? '')?.[1] ?? null;

interface LogLine { msg?: string; trace_id?: string; span_id?: string; req?: { url?: string } }
const logLines = (output: string): LogLine[] =>
  output.split('\n').flatMap((line) => {
    try {
      return [JSON.parse(line) as LogLine];
    } catch {
      return [];
    }
  });

/** A small OTLP/HTTP receiver (http/json): the spans posted to it, with their service's name. */
interface ReceivedSpan { name: string; traceId: string; spanId: string; parentSpanId?: string; links?: { traceId: string; spanId: string }[]; service: string }
async function otlpReceiver(port = 0): Promise<{ url: string; posts: number; spans: ReceivedSpan[]; close(): Promise<void> }> {
  const received = { posts: 0, spans: [] as ReceivedSpan[] };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.posts += 1;
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: Omit<ReceivedSpan, 'service'>[] }[] }[];
        };
        for (const resource of body.resourceSpans) {
          const service = resource.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
          for (const scope of resource.scopeSpans) received.spans.push(...scope.spans.map((span) => ({ ...span, service })));
        }
      } catch {
        // Not JSON (http/protobuf): counted as a post all the same.
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get posts() { return received.posts; },
    spans: received.spans,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The story of a customer on fire, for one account: a heads-up to its owner follows. */
function firestorm(T: string, accountId: string, owner: string) {
  let seq = 0;
  const event = (type: string, data: Record<string, unknown>) => ({
    specversion: '1.0', id: `${accountId}-${seq++}`, type: `forewarn.${type}`, time: new Date(Date.now() - 60_000 + seq * 100).toISOString(), data,
  });
  const account = { id: accountId };
  const checkout = { id: `ZD-${accountId}`, title: 'Checkout down', severity: 1, status: 'open', escalationLevel: 2 };
  return [
    event('account.upserted', { id: accountId, name: `Account ${T}`, owner: { name: 'Riley Chen', email: owner }, team: 'enterprise' }),
    event('case.opened', { account, case: checkout, actor: { type: 'customer', name: 'Dana' } }),
    event('case.escalated', { account, case: checkout, reason: 'Revenue impact' }),
    event('case.resolution_rejected', { account, case: checkout, reason: 'The workaround does not work' }),
  ];
}

describe('tracing: one event followed through every service, with no collector', () => {
  let bus: Bus;
  let defaultEndpoint: Awaited<ReturnType<typeof otlpReceiver>>;
  const consumers: Consumer[] = [];
  const T = Date.now().toString(36);
  const traced = { account: `traced-${T}`, owner: `traced.${T}@sales.example` };
  const untraced = { account: `untraced-${T}`, owner: `untraced.${T}@sales.example` };
  let token: string;
  const eventsHeaders = new Map<string, string | undefined>();
  const alertsHeaders = new Map<string, string | undefined>();

  /** Each message's `traceparent` on a topic, by the account (key) it is about: the last one seen. */
  async function traceparentsOn(topic: string, into: Map<string, string | undefined>): Promise<void> {
    const consumer = bus.kafka.consumer({ groupId: `test-tracing-${bus.tag}-${consumers.length}` });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void into.set(String(message.key), message.headers?.traceparent?.toString()) });
  }

  beforeAll(async () => {
    // Where spans would go if "no endpoint set" meant the specification's default one.
    defaultEndpoint = await otlpReceiver(4318).catch((error: Error) => {
      throw new Error(`this test listens on the OTLP default port 4318 to show nothing is sent there: ${error.message}`);
    });
    bus = await startBus('tracing', { LOG_LEVEL: 'info' });
    const apiKey = await bus.addSource('helpdesk');
    token = await bus.addUser(traced.owner, 'rep', 'enterprise');
    await traceparentsOn(bus.topics.events, eventsHeaders);
    await traceparentsOn(bus.topics.alerts, alertsHeaders);

    const post = (events: unknown[], headers: Record<string, string>) => fetch(`${bus.gatewayUrl}/v1/events`, {
      method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/cloudevents-batch+json', ...headers }, body: JSON.stringify(events),
    });
    expect((await post(firestorm(T, traced.account, traced.owner), { traceparent: INCOMING })).status).toBe(202);
    expect((await post(firestorm(T, untraced.account, untraced.owner), {})).status).toBe(202);
    await eventually('both heads-ups', async () => bus.sink.messages().filter((m) => m.to.includes(traced.owner) || m.to.includes(untraced.owner)).length === 2, { timeoutMs: 90_000 });
    await eventually('both alerts on alerts.v1', async () => alertsHeaders.has(traced.account) && alertsHeaders.has(untraced.account));
    // The sink has a mail before the notifier hears the SMTP server's answer and logs it as sent.
    await eventually('both mails logged as sent', async () => logLines(bus.services.notifier.logs()).filter((line) => line.msg === 'mail sent').length >= 2);
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect()));
    await bus?.stop();
    await defaultEndpoint?.close();
  });

  const mailTo = (address: string) => bus.sink.messages().find((m) => m.to.includes(address))!;
  const linesOf = (service: keyof Bus['services'], traceId: string) => logLines(bus.services[service].logs()).filter((line) => line.trace_id === traceId);

  it('continues the trace a support system sends: the same trace id on events.v1 and alerts.v1 and in the mail', () => {
    expect(traceIdOf(eventsHeaders.get(traced.account))).toBe(TRACE);
    expect(traceIdOf(alertsHeaders.get(traced.account))).toBe(TRACE);
    expect(mailTo(traced.owner).headers[MAIL_HEADER.traceId.toLowerCase()]).toBe(TRACE);
  });

  it('puts that trace id in the log lines of the gateway, account-health and the notifier', () => {
    expect(linesOf('gateway', TRACE).map((line) => line.req?.url)).toContain('/v1/events');
    expect(linesOf('account-health', TRACE).map((line) => line.msg)).toContain('alert raised');
    expect(linesOf('notifier', TRACE).map((line) => line.msg)).toContain('mail sent');
  });

  it('starts a trace for an event sent without one, and follows it the same way', () => {
    const started = traceIdOf(eventsHeaders.get(untraced.account));
    expect(started).toMatch(/^[0-9a-f]{32}$/);
    expect(started).not.toBe(TRACE);
    expect(traceIdOf(alertsHeaders.get(untraced.account))).toBe(started);
    expect(mailTo(untraced.owner).headers[MAIL_HEADER.traceId.toLowerCase()]).toBe(started);
    expect(linesOf('gateway', started!).map((line) => line.req?.url)).toContain('/v1/events');
    expect(linesOf('account-health', started!).map((line) => line.msg)).toContain('alert raised');
    expect(linesOf('notifier', started!).map((line) => line.msg)).toContain('mail sent');
  });

  it('gives the dashboard’s requests trace ids of their own, and the event’s when the request brings its traceparent', async () => {
    const open = (headers: Record<string, string>) => fetch(`${bus.dashboardUrl}/api/accounts/${traced.account}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
    expect((await open({ traceparent: INCOMING })).status).toBe(200);
    expect((await open({})).status).toBe(200);
    const requests = await eventually('both request lines', async () => {
      const lines = logLines(bus.services.dashboard.logs()).filter((line) => line.req?.url === `/api/accounts/${traced.account}`);
      return lines.length >= 2 ? lines : null;
    });
    expect(requests.map((line) => line.trace_id === TRACE)).toEqual([true, false]);
    expect(requests[1].trace_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('exports nothing: no span reaches a collector, not even at the default endpoint', () => {
    expect(defaultEndpoint.posts).toBe(0);
  });
});

describe('tracing: spans exported to a collector (OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  let bus: Bus;
  let collector: Awaited<ReturnType<typeof otlpReceiver>>;
  const T = Date.now().toString(36);
  const account = `exported-${T}`;
  const owner = `exported.${T}@sales.example`;

  beforeAll(async () => {
    collector = await otlpReceiver();
    bus = await startBus('tracing-otlp', { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '200' });
    const apiKey = await bus.addSource('helpdesk');
    const token = await bus.addUser(owner, 'rep', 'enterprise');
    const response = await fetch(`${bus.gatewayUrl}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/cloudevents-batch+json', traceparent: INCOMING },
      body: JSON.stringify(firestorm(T, account, owner)),
    });
    expect(response.status).toBe(202);
    await eventually('the heads-up', async () => bus.sink.messages().some((m) => m.to.includes(owner)), { timeoutMs: 90_000 });
    expect((await fetch(`${bus.dashboardUrl}/api/accounts/${account}`, { headers: { authorization: `Bearer ${token}`, traceparent: INCOMING } })).status).toBe(200);
  });

  afterAll(async () => {
    await bus?.stop();
    await collector?.close();
  });

  const spanOf = (service: string, name: RegExp) => collector.spans.find((span) => span.service === service && name.test(span.name));

  it('receives each service’s spans under its name, in the event’s trace', async () => {
    const spans = await eventually('spans of all four services', async () => {
      const found = {
        gateway: spanOf('gateway', /^POST \/v1\/events$/),
        notifier: spanOf('notifier', /^deliver notification$/),
        dashboard: spanOf('dashboard', /^GET \/api\/accounts\/:id$/),
        accountHealth: spanOf('account-health', /\.events\.v1$/),
      };
      return Object.values(found).every(Boolean) ? found : null;
    }, { timeoutMs: 20_000 });
    expect(spans.gateway?.traceId).toBe(TRACE);
    expect(spans.notifier?.traceId).toBe(TRACE);
    expect(spans.dashboard?.traceId).toBe(TRACE);
  });

  it('links each batch span to the spans that sent its messages', async () => {
    const gateway = spanOf('gateway', /^POST \/v1\/events$/)!;
    const links = await eventually('batch spans linked to the event', async () => {
      const linked = (service: string, topic: RegExp) => collector.spans.some((span) => span.service === service && topic.test(span.name) && span.links?.some((l) => l.traceId === TRACE));
      return linked('account-health', /\.events\.v1$/) && linked('notifier', /\.alerts\.v1$/);
    }, { timeoutMs: 20_000 });
    expect(links).toBe(true);
    const batch = collector.spans.find((span) => span.service === 'account-health' && /\.events\.v1$/.test(span.name) && span.links?.some((l) => l.traceId === TRACE))!;
    expect(batch.name).toBe(`process ${bus.topics.events}`);
    expect(batch.links).toContainEqual(expect.objectContaining({ traceId: TRACE, spanId: gateway.spanId }));
    expect(batch.traceId).not.toBe(TRACE);
  });
});
