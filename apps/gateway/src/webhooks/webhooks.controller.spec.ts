import { Test } from '@nestjs/testing';
import { gatewayEnvSchema, loadConfig } from '@forewarn/config';
import { KAFKA_HEADER, topicsFor } from '@forewarn/contracts';
import { type Source, SOURCE_KIND_ALLOWANCES, type SourceKind } from '@forewarn/database';
import { KafkaUnavailableError, type OutgoingMessage, Publisher, TOPICS } from '@forewarn/messaging';
import { Metrics, Problem } from '@forewarn/service-kit';
import type { Response } from 'express';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import zendeskCreated from '../../../../libs/ingest/src/zendesk/fixtures/event-ticket-created.json';
import zendeskFormChanged from '../../../../libs/ingest/src/zendesk/fixtures/event-form-changed.json';
import jiraCreated from '../../../../libs/ingest/src/jira/fixtures/issue-created.json';
import jiraChangelog from '../../../../libs/ingest/src/jira/fixtures/issue-updated-priority-and-assignee.json';
import freshdeskCreated from '../../../../libs/ingest/src/freshdesk/fixtures/ticket-created.json';
import serviceNowInserted from '../../../../libs/ingest/src/servicenow/fixtures/case-inserted.json';
import kestrelCreated from '../../../../libs/ingest/src/mapped/fixtures/ticket-created.json';
import kestrelAgentLogin from '../../../../libs/ingest/src/mapped/fixtures/agent-login.json';
import intercomPing from '../../../../libs/ingest/src/intercom/fixtures/ping.json';
import intercomTicketCreated from '../../../../libs/ingest/src/intercom/fixtures/ticket-created.json';
import { GATEWAY_CONFIG } from '../gateway.config';
import { BodyLimits } from '../ingest/body-limits';
import type { IngestRequest } from '../ingest/ingest-request';
import { IngestService } from '../ingest/ingest.service';
import { DeliveryLog, type DeliveryRecord } from './delivery-log';
import { WebhookOutcomes } from './webhook-outcomes';
import { WebhookPipeline } from './webhook-pipeline';
import { WebhooksController } from './webhooks.controller';

/**
 * What WebhooksController does with a delivery once its guards admitted and authenticated it,
 * without infrastructure: each kind's mapper in the one pipeline, the limit after mapping, the
 * source's allowance, publishing, the answer and the outcome counted. The guards look sources up
 * in PostgreSQL; they are exercised over HTTP in test/integration/gateway-ingest.int-spec.ts.
 */
const KESTREL_MAPPING = readFileSync(join(__dirname, '../../../../libs/ingest/src/mapped/fixtures/kestrel-desk.jsonata'), 'utf8');
const salesforceXml = (name: string) => readFileSync(join(__dirname, '../../../../libs/ingest/src/salesforce/fixtures', name), 'utf8');
const ORG = '00D5e000000KQ2eEAG';

const source = (name: string, kind: SourceKind, extra: Partial<Source> = {}): Source => ({ name, kind, signingSecret: null, mapping: null, allow: [...SOURCE_KIND_ALLOWANCES[kind]], ...extra });

/** A request as the guards leave it: the body already read (as after a signature check). */
const delivery = (payload: unknown, headers: Record<string, string> = {}): IngestRequest =>
  ({ headers: { 'content-type': 'application/json', ...headers }, rawBody: Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)) }) as unknown as IngestRequest;

describe('the webhook pipeline behind WebhooksController', () => {
  let pipeline: WebhookPipeline;
  let metrics: Metrics;
  let published: OutgoingMessage[][];
  let logged: DeliveryRecord[];
  let kafkaDown: boolean;

  beforeAll(async () => {
    const config = loadConfig(gatewayEnvSchema, { NODE_ENV: 'test', GATEWAY_MAX_BATCH: '1' });
    const publisher = {
      async publish(batches: { messages: OutgoingMessage[] }[]) {
        if (kafkaDown) throw new KafkaUnavailableError(new Error('broker down'));
        published.push(batches.flatMap((b) => b.messages));
      },
    };
    const moduleRef = await Test.createTestingModule({
      providers: [
        WebhookPipeline, WebhookOutcomes, IngestService, BodyLimits, Metrics,
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: Publisher, useValue: publisher },
        { provide: TOPICS, useValue: topicsFor('test.') },
        { provide: DeliveryLog, useValue: { record: (delivery: DeliveryRecord) => logged.push(delivery) } },
      ],
    }).compile();
    pipeline = moduleRef.get(WebhookPipeline);
    metrics = moduleRef.get(Metrics);
  });

  beforeEach(() => {
    published = [];
    logged = [];
    kafkaDown = false;
  });

  const refusal = (work: Promise<unknown>) => work.then(() => null, (error: unknown) => (error instanceof Problem ? error : Promise.reject(error)));
  const outcome = async (kind: string, name: string) =>
    (await metrics.registry.getSingleMetric('forewarn_gateway_webhooks_total')?.get())?.values.find((v) => v.labels.kind === kind && v.labels.outcome === name)?.value ?? 0;

  it('maps each vendor through its own mapper in the one pipeline and publishes what it accepts, answering 202 with JSON', async () => {
    const deliveries: [Source, unknown][] = [
      [source('zendesk-eu', 'zendesk'), zendeskCreated],
      [source('freshdesk', 'freshdesk'), freshdeskCreated],
      [source('servicenow', 'servicenow'), serviceNowInserted],
    ];
    for (const [from, payload] of deliveries) expect((await pipeline.deliver(from, delivery(payload))).status).toBe(202);
    const jira = await pipeline.deliver(source('jira-cloud', 'jira'), delivery(jiraCreated));
    expect(jira).toEqual({ status: 202, contentType: 'application/json', body: JSON.stringify({ accepted: 1, ids: [JSON.parse(String(published[3][0].value)).id] }) });
    expect(published.map((messages) => JSON.parse(String(messages[0].value)).source)).toEqual(['/sources/zendesk-eu', '/sources/freshdesk', '/sources/servicenow', '/sources/jira-cloud']);
  });

  it('publishes what it accepts, stamped with the source, with the vendor\'s delivery id as correlation id', async () => {
    const reply = await pipeline.deliver(source('zendesk-eu', 'zendesk'), delivery(zendeskCreated, { 'x-zendesk-webhook-invocation-id': 'inv-42' }));
    expect(JSON.parse(reply.body)).toEqual({ accepted: 1, ids: ['zd-01HNX3D9Q0Z5YV3K8M2T6R4W1A'] });
    const [[message]] = published;
    expect(message.key).toBe('external:360001');
    expect(JSON.parse(String(message.value))).toMatchObject({ source: '/sources/zendesk-eu', type: 'forewarn.case.opened' });
    expect(message.headers?.[KAFKA_HEADER.correlationId]).toBe('inv-42');
  });

  it('answers 202 with the reason for a delivery Forewarn does not track, and counts it as ignored', async () => {
    const before = await outcome('zendesk', 'ignored');
    const reply = await pipeline.deliver(source('zendesk-eu', 'zendesk'), delivery(zendeskFormChanged));
    expect(JSON.parse(reply.body)).toEqual({ accepted: 0, ids: [], ignored: [{ reason: expect.stringContaining('ticket.form_changed') }] });
    expect(await outcome('zendesk', 'ignored')).toBe(before + 1);
    expect(published).toEqual([]);
  });

  it('names the bad field of a payload that is not the vendor\'s (400), and refuses a body that is not JSON', async () => {
    const invalid = await refusal(pipeline.deliver(source('zendesk-eu', 'zendesk'), delivery({ ...zendeskCreated, detail: undefined })));
    expect(invalid).toMatchObject({ status: 400, title: 'Invalid webhook payload', extra: { errors: [{ field: 'detail', message: 'is required' }] } });
    expect(await refusal(pipeline.deliver(source('freshdesk', 'freshdesk'), delivery('{"type":')))).toMatchObject({ status: 400, title: 'Malformed JSON' });
  });

  it('logs every delivery it answered in its source\'s delivery log, without waiting for it: outcome, status, events, reasons and the body', async () => {
    await pipeline.deliver(source('zendesk-eu', 'zendesk'), delivery(zendeskCreated, { 'x-zendesk-webhook-invocation-id': 'inv-7' }));
    await pipeline.deliver(source('zendesk-eu', 'zendesk'), delivery(zendeskFormChanged));
    expect(logged).toEqual([
      expect.objectContaining({ source: 'zendesk-eu', kind: 'zendesk', outcome: 'accepted', status: 202, eventIds: ['zd-01HNX3D9Q0Z5YV3K8M2T6R4W1A'], ignored: [], correlationId: 'inv-7', mediaType: 'application/json', rawBody: Buffer.from(JSON.stringify(zendeskCreated)) }),
      expect.objectContaining({ outcome: 'ignored', status: 202, eventIds: [], ignored: [{ reason: expect.stringContaining('ticket.form_changed') }] }),
    ]);
  });

  describe('Intercom and Salesforce', () => {
    const salesforce = source('salesforce-prod', 'salesforce', { settings: { organizationId: ORG } });
    const xml = (body: string) => delivery(body, { 'content-type': 'text/xml; charset=utf-8' });

    it('maps an Intercom ticket and answers an Intercom ping as ignored, with its reason', async () => {
      expect(JSON.parse((await pipeline.deliver(source('intercom', 'intercom'), delivery(intercomTicketCreated))).body)).toMatchObject({ accepted: 1, ids: [expect.any(String)] });
      expect(JSON.parse(String(published[0][0].value))).toMatchObject({ source: '/sources/intercom', type: 'forewarn.case.opened' });
      const ping = JSON.parse((await pipeline.deliver(source('intercom', 'intercom'), delivery(intercomPing))).body);
      expect(ping).toEqual({ accepted: 0, ids: [], ignored: [{ reason: expect.any(String) }] });
    });

    it('reads a Salesforce outbound message (XML) and answers with the SOAP acknowledgement Salesforce expects', async () => {
      const reply = await pipeline.deliver(salesforce, xml(salesforceXml('outbound-case.xml')));
      expect(reply).toEqual({ status: 200, contentType: 'text/xml; charset=utf-8', body: expect.stringContaining('<Ack>true</Ack>') });
      expect(JSON.parse(String(published[0][0].value))).toMatchObject({ source: '/sources/salesforce-prod', type: 'forewarn.case.escalated', data: { case: { id: 'SF-5005e00000ABCdEAAX' } } });
    });

    it('acknowledges an outbound message whose records were ignored too, or Salesforce would resend it for a day', async () => {
      const accounts = await pipeline.deliver(salesforce, xml(salesforceXml('outbound-accounts.xml')));
      expect(accounts.status).toBe(200);
      expect(published).toHaveLength(1);
      expect(JSON.parse(String(published[0][0].value))).toMatchObject({ type: 'forewarn.account.upserted', data: { name: 'Acme Corporation', externalRefs: [{ source: 'salesforce-prod', id: '0015e00000ZkM3hAAF' }] } });
      const contact = salesforceXml('outbound-case.xml').replace('xsi:type="sf:Case"', 'xsi:type="sf:Contact"');
      expect(await pipeline.deliver(salesforce, xml(contact))).toMatchObject({ status: 200, body: expect.stringContaining('<Ack>true</Ack>') });
      expect(published).toHaveLength(1);
    });

    it('passes the source\'s settings to the mapper: an outbound message of another organisation is refused (400 naming OrganizationId)', async () => {
      const other = source('salesforce-other', 'salesforce', { settings: { organizationId: '00D000000000001AAA' } });
      expect(await refusal(pipeline.deliver(other, xml(salesforceXml('outbound-case.xml'))))).toMatchObject({ status: 400, extra: { errors: [{ field: 'OrganizationId' }] } });
      expect(await refusal(pipeline.deliver(salesforce, xml('<soapenv:Envelope><oops></soapenv:Envelope>')))).toMatchObject({ status: 400, title: 'Invalid webhook payload', detail: expect.stringContaining('not well-formed XML') });
      expect(published).toEqual([]);
    });

    it('lists what a delivery ignored beside what it accepted, when the sender takes JSON answers', async () => {
      const json = JSON.parse((await pipeline.deliver(source('salesforce-plain', 'salesforce'), delivery(salesforceXml('outbound-accounts.xml'), { 'content-type': 'application/json' }))).body);
      expect(json).toEqual({ accepted: 1, ids: [expect.any(String)], ignored: [{ reason: expect.stringContaining('Account 0015e00000ZkM3iAAF has no owner e-mail') }] });
    });
  });

  describe('mapped sources: the JSONata mapping stored with the source is the mapper', () => {
    const kestrel = source('kestrel', 'mapped', { mapping: KESTREL_MAPPING });

    it('maps the delivery with it, or answers why it produced nothing', async () => {
      const reply = await pipeline.deliver(kestrel, delivery(kestrelCreated));
      expect(JSON.parse(reply.body)).toEqual({ accepted: 1, ids: ['evt_01JNKD8812A'] });
      expect(JSON.parse(String(published[0][0].value))).toMatchObject({ source: '/sources/kestrel', data: { case: { id: 'KD-8812', severity: 1 } } });
      expect(JSON.parse((await pipeline.deliver(kestrel, delivery(kestrelAgentLogin))).body)).toEqual({ accepted: 0, ids: [], ignored: [{ reason: 'the mapping produced no event for this delivery' }] });
    });

    it('refuses while the source has no usable mapping (409), and says what the mapping did wrong (400)', async () => {
      expect(await refusal(pipeline.deliver(source('unmapped', 'mapped'), delivery(kestrelCreated)))).toMatchObject({ status: 409, detail: expect.stringContaining('forewarn mapping set unmapped') });
      expect(await refusal(pipeline.deliver(source('broken', 'mapped', { mapping: '{ "type": ' }), delivery(kestrelCreated)))).toMatchObject({ status: 409, extra: { mappingError: { code: expect.stringMatching(/^S0/) } } });
      const throwing = source('throwing', 'mapped', { mapping: '$error("no idea what " & event & " is")' });
      expect(await refusal(pipeline.deliver(throwing, delivery(kestrelCreated)))).toMatchObject({ status: 400, title: 'Mapping failed', extra: { mappingError: { code: 'D3137' } } });
      const noCustomer = { ...kestrelCreated, ticket: { ...kestrelCreated.ticket, requester: {}, company: {} } };
      expect(await refusal(pipeline.deliver(kestrel, delivery(noCustomer)))).toMatchObject({ status: 400, extra: { errors: [{ field: 'events[0].data.account' }] } });
      expect(published).toEqual([]);
    });

    it('refuses an event the source may not send (403), naming it', async () => {
      const ticketsOnly = source('tickets-feed', 'mapped', { mapping: '{ "type": "account.upserted", "data": { "id": account, "name": account, "owner": { "email": owner } } }', allow: ['cases'] });
      const refused = await refusal(pipeline.deliver(ticketsOnly, delivery({ account: 'acme', owner: 'someone@else.example' })));
      expect(refused).toMatchObject({ status: 403, extra: { errors: [{ field: 'events[0].type', message: 'forewarn.account.upserted is not allowed for source "tickets-feed" (allows: cases)' }] } });
    });
  });

  it('refuses a delivery that maps to more events than GATEWAY_MAX_BATCH (413)', async () => {
    expect(await refusal(pipeline.deliver(source('jira-cloud', 'jira'), delivery(jiraChangelog)))).toMatchObject({ status: 413, detail: 'This delivery maps to 2 events; at most 1 are accepted at once.' });
    expect(published).toEqual([]);
  });

  it('answers 503 with Retry-After when Kafka is down, and counts nothing as accepted', async () => {
    kafkaDown = true;
    const before = await outcome('servicenow', 'accepted');
    expect(await refusal(pipeline.deliver(source('servicenow', 'servicenow'), delivery(serviceNowInserted)))).toMatchObject({ status: 503, extra: { headers: { 'Retry-After': '5' } } });
    expect(await outcome('servicenow', 'accepted')).toBe(before);
  });

  it('is answered by the controller as the pipeline says', async () => {
    const response = { status: jest.fn().mockReturnThis(), type: jest.fn().mockReturnThis(), send: jest.fn().mockReturnThis() };
    await new WebhooksController(pipeline).receive(source('freshdesk', 'freshdesk'), delivery(freshdeskCreated), response as unknown as Response);
    expect(response.status).toHaveBeenCalledWith(202);
    expect(response.type).toHaveBeenCalledWith('application/json');
    expect(JSON.parse(response.send.mock.calls[0][0])).toMatchObject({ accepted: 1 });
  });
});
