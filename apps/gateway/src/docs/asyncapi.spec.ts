import { Parser, DiagnosticSeverity } from '@asyncapi/parser';
import { CASE_STATUSES, EVENT_TYPES, HEALTH_STATES, TOPIC, TOPIC_PARTITIONS, topicsFor } from '@forewarn/contracts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** docs/asyncapi.yaml: a valid AsyncAPI 3 document that matches the topics and types in the code. */
const source = readFileSync(join(__dirname, '../../../../docs/asyncapi.yaml'), 'utf8');

describe('the AsyncAPI document of the topics (docs/asyncapi.yaml)', () => {
  let document: NonNullable<Awaited<ReturnType<Parser['parse']>>['document']>;

  beforeAll(async () => {
    const { document: parsed, diagnostics } = await new Parser().parse(source);
    const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
    if (!parsed || errors.length > 0) throw new Error(errors.map((e) => `${e.path.join('.')}: ${e.message}`).join('\n'));
    document = parsed;
  });

  it('is AsyncAPI 3 and has no warnings either', async () => {
    expect(document.version()).toBe('3.0.0');
    const { diagnostics } = await new Parser().parse(source);
    expect(diagnostics.filter((d) => d.severity === DiagnosticSeverity.Warning).map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
  });

  it('has one channel per topic, at the address the code uses, with its partition count', () => {
    const channels = document.channels().all().map((c) => ({ id: c.id(), address: c.address() ?? '', partitions: (c.bindings().get('kafka')?.value() as { partitions?: number } | undefined)?.partitions }));
    expect(channels).toEqual((Object.keys(TOPIC) as (keyof typeof TOPIC)[]).map((name) => ({ id: name, address: `{prefix}${TOPIC[name]}`, partitions: TOPIC_PARTITIONS[name] })));
    const prefix = 'forewarn.';
    expect(channels.map((c) => c.address.replace('{prefix}', prefix))).toEqual(Object.values(topicsFor(prefix)));
  });

  it('lists exactly the inbound event types, case statuses and health states of the contract', () => {
    const schemas = document.components().schemas();
    const inbound = schemas.get('InboundEvent')?.json() as { allOf: { properties?: { type?: { enum?: string[] }; data?: { properties: { case: { properties: { status: { enum: string[] } } } } } } }[] };
    expect(inbound.allOf[1].properties?.type?.enum).toEqual([...EVENT_TYPES]);
    expect(inbound.allOf[1].properties?.data?.properties.case.properties.status.enum).toEqual([...CASE_STATUSES]);
    expect((schemas.get('HealthState')?.json() as { enum: string[] }).enum).toEqual([...HEALTH_STATES]);
  });

  it('says who sends and who receives on every topic', () => {
    const byChannel = new Map<string, string[]>();
    for (const operation of document.operations().all()) {
      for (const channel of operation.channels().all()) byChannel.set(channel.id(), [...(byChannel.get(channel.id()) ?? []), operation.action()]);
    }
    expect(byChannel.get('events')).toEqual(expect.arrayContaining(['send', 'receive']));
    expect(byChannel.get('alerts')).toEqual(expect.arrayContaining(['send', 'receive']));
    expect(byChannel.get('health')).toContain('send');
    expect(byChannel.get('dlq')).toContain('send');
  });
});
