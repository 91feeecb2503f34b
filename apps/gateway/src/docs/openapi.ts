import { CASE_STATUSES, EVENT_TYPES, MEETING_KINDS } from '@forewarn/contracts';
import { MAPPING_LIMITS, SALESFORCE_MEDIA_TYPES, WEBHOOK_KINDS, ZENDESK_TRIGGER_CHANGES } from '@forewarn/ingest';

/**
 * The gateway's OpenAPI 3.1 document, written by hand: the controllers read raw bodies (for
 * signatures and size limits), so there are no DTO classes to generate it from. A unit test
 * validates it and checks that it names every route the gateway serves.
 */
export interface OpenApiOptions {
  maxBatch: number;
  maxBodyBytes: number;
  webhookMaxBodyBytes: number;
  ratePerSecond: number;
  burst: number;
  clientRatePerSecond: number;
  clientBurst: number;
  toleranceSeconds: number;
}

export function openApiDocument(options: OpenApiOptions) {
  const problem = (description: string, headers?: Record<string, unknown>) => ({
    description,
    ...(headers ? { headers } : {}),
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  });
  const retryAfter = { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 1 } } };
  const errors = (maxBodyBytes: number) => ({
    '401': problem('No, unknown or wrong api key; or a missing, wrong or stale webhook signature.'),
    '403': problem(
      'The key belongs to another source; the source is registered for another kind; or an event is outside what the source may send (`cases`: case.* and survey.*, `meetings`: meeting.*, `accounts`: account.upserted): `errors` names its type and place (`[2].type`, `events[0].type`), and nothing was accepted.',
    ),
    '413': problem(`The body is larger than ${maxBodyBytes} bytes (a larger Content-Length is refused at once, before the body is read; what the client still sends is thrown away for at most 2 s, then the connection is cut), or it holds more than ${options.maxBatch} events.`),
    '415': problem('The body is not JSON (nor XML, for Salesforce: `text/xml`, `application/xml`, `application/soap+xml`).'),
    '429': problem(
      `Too many requests: from the client address (${options.clientRatePerSecond} per second, burst ${options.clientBurst}; checked first, before authentication), or from the source (${options.ratePerSecond} per second, burst ${options.burst}); per gateway instance. Nothing was accepted.`,
      retryAfter,
    ),
    '503': problem('Kafka is unavailable; nothing was accepted.', retryAfter),
  });
  const invalidEvent = 'an event dated more than 5 minutes ahead of the gateway\'s clock (`time`), a case link that is not http or https (`data.case.url`)';
  const accepted = {
    description: 'Durably in Kafka (acks from all in-sync replicas).',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Accepted' }, example: { accepted: 2, ids: ['jira-10042-10301-priority', 'jira-10042-10301-assignee'] } } },
  };
  const vendorPayload = (description: string, examples: Record<string, unknown>, more: Record<string, unknown> = {}) => ({
    description,
    content: { 'application/json': { schema: { type: 'object', additionalProperties: true }, examples }, ...more },
  });
  const salesforceXml = {
    schema: { type: 'string', description: 'A Salesforce outbound message: a SOAP envelope with `notifications` (OrganizationId, ActionId, up to 100 Notification elements, each an sObject of the chosen fields).' },
    example: '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>00D5e000000KQ2eEAG</OrganizationId><Notification><Id>04l5e00000Gx7QzAAJ</Id><sObject xsi:type="sf:Case" xmlns:sf="urn:sobject.enterprise.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sf:Id>5005e00000ABCdEAAX</sf:Id><sf:AccountId>0015e00000ZkM3hAAF</sf:AccountId><sf:Status>Escalated</sf:Status></sObject></Notification></notifications></soapenv:Body></soapenv:Envelope>',
  };

  return {
    openapi: '3.1.0',
    info: {
      title: 'Forewarn gateway',
      version: '1',
      summary: 'Ingest for support systems, CRMs and calendars.',
      description: 'Support systems post canonical CloudEvents to `/v1/events`, or their own webhook payloads to `/v1/webhooks/{kind}/{source}`. Events are published to Kafka (`<prefix>events.v1`) keyed by account; re-sending the same source and id changes nothing. Errors are RFC 9457 `application/problem+json`.',
      license: { name: 'UNLICENSED', identifier: 'UNLICENSED' },
    },
    servers: [{ url: '/', description: 'This gateway' }],
    tags: [{ name: 'ingest' }, { name: 'operations' }],
    security: [{ sourceKey: [] }],
    paths: {
      '/v1/events': {
        post: {
          tags: ['ingest'],
          operationId: 'postEvents',
          summary: 'One CloudEvent or a batch',
          description: `A batch (a JSON array, \`application/cloudevents-batch+json\`, up to ${options.maxBatch} events) is all-or-nothing: one invalid event gives 400 naming its index and field, one the source may not send 403 naming its index and type.`,
          security: [{ sourceKey: [] }],
          requestBody: {
            required: true,
            content: {
              'application/cloudevents+json': { schema: { $ref: '#/components/schemas/InboundEvent' } },
              'application/json': { schema: { $ref: '#/components/schemas/InboundEvent' } },
              'application/cloudevents-batch+json': { schema: { type: 'array', minItems: 1, maxItems: options.maxBatch, items: { $ref: '#/components/schemas/InboundEvent' } } },
            },
          },
          responses: { '202': accepted, '400': problem(`Invalid JSON or an invalid event, e.g. ${invalidEvent}; \`errors\` names each bad field (\`[3].data.case.id\`, \`[3].time\`).`), ...errors(options.maxBodyBytes) },
        },
      },
      '/v1/webhooks/{kind}/{source}': {
        post: {
          tags: ['ingest'],
          operationId: 'postWebhook',
          summary: "A support system's own webhook payload",
          description: [
            'Verified by the vendor signature when the source has a signing secret: Zendesk `X-Zendesk-Webhook-Signature` = base64(HMAC-SHA256(secret, timestamp + body)) with `X-Zendesk-Webhook-Signature-Timestamp`',
            `(refused when more than ${options.toleranceSeconds} s from now), Jira \`X-Hub-Signature: sha256=<hex HMAC-SHA256(secret, body)>\`, Intercom \`X-Hub-Signature: sha1=<hex HMAC-SHA1(secret, body)>\`.`,
            'Otherwise by the source api key: `Authorization: Bearer`, HTTP Basic with the key as user name, or `?token=` (for senders that cannot set headers, such as Salesforce\'s outbound messages).',
            'Systems without an adapter post to `/v1/webhooks/mapped/{source}` instead.',
            'One delivery may yield several events (a Jira changelog with a priority and an assignee change is two). Event ids are derived from the delivery, so a retried delivery changes nothing.',
            'A well-formed delivery is never refused because an optional field is missing: what Forewarn does not track (a Jira sprint, a Zendesk form change, a Salesforce record of another object) is answered 202 with `accepted: 0` and `ignored: [{ reason }]`, and a delivery that yields events lists the parts it ignored the same way.',
            `Salesforce (kind salesforce) also sends SOAP outbound messages (${SALESFORCE_MEDIA_TYPES.join(', ')}): they are answered 200 with the SOAP acknowledgement Salesforce expects (\`<Ack>true</Ack>\`), also when every record was ignored, and refused 400 naming \`OrganizationId\` when they come from another organisation than the source's \`organizationId\` setting.`,
            'Every delivery that got past authentication is kept in the source\'s delivery log for 7 days (`npx forewarn source log <source>`; bodies size-capped, secrets stripped), and can be run again through today\'s mapping (`npx forewarn source redeliver <source> <delivery id>`).',
            `Zendesk trigger webhooks use Forewarn's template with \`change\` one of ${ZENDESK_TRIGGER_CHANGES.join(', ')}; ServiceNow posts what the business rule in docs/servicenow-business-rule.md sends.`,
          ].join(' '),
          security: [{ sourceKey: [] }, { sourceKeyBasic: [] }, { sourceToken: [] }, { vendorSignature: [] }],
          parameters: [
            { name: 'kind', in: 'path', required: true, schema: { type: 'string', enum: [...WEBHOOK_KINDS] } },
            { name: 'source', in: 'path', required: true, description: 'The registered source name (`npx forewarn source add <name> --kind <kind>`).', schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,99}$' } },
            { name: 'X-Zendesk-Webhook-Signature', in: 'header', required: false, schema: { type: 'string' } },
            { name: 'X-Zendesk-Webhook-Signature-Timestamp', in: 'header', required: false, schema: { type: 'string', format: 'date-time' } },
            { name: 'X-Hub-Signature', in: 'header', required: false, description: 'Jira (sha256) or Intercom (sha1).', schema: { type: 'string', pattern: '^sha(256=[0-9a-fA-F]{64}|1=[0-9a-fA-F]{40})$' } },
          ],
          requestBody: vendorPayload('The vendor payload, as the vendor sends it.', {
            zendesk: { summary: 'Zendesk event webhook', value: { type: 'zen:event-type:ticket.priority_changed', id: '5d7e2f10-8c4b-4a3e-b1d2-9f0e8a7c6b5d', time: '2025-01-08T11:03:44Z', subject: 'zen:ticket:5158', detail: { id: '5158', subject: 'Checkout payments failing', status: 'OPEN', priority: 'URGENT', organization_id: '360001', requester_id: '8447388099001' }, event: { current: 'URGENT', previous: 'HIGH' } } },
            jira: { summary: 'Jira changelog', value: { timestamp: 1736330623512, webhookEvent: 'jira:issue_updated', issue: { id: '10042', key: 'SUP-42', fields: { summary: 'Checkout payments failing', reporter: { accountType: 'customer', emailAddress: 'dana.lee@acme.com' } } }, changelog: { id: '10301', items: [{ field: 'priority', fromString: 'High', toString: 'Highest' }, { field: 'assignee', to: '712020:9a8b', toString: 'Priya Nair' }] } } },
            freshdesk: { summary: 'Freshdesk automation rule', value: { freshdesk_webhook: { triggered_event: '{status:{from:2,to:4}}', ticket_id: '4711', ticket_subject: 'Invoices export times out', ticket_status: 'Resolved', ticket_priority: 'High', requester_email: 'lena.park@globex.io' } } },
            intercom: { summary: 'Intercom ticket webhook', value: { type: 'notification_event', topic: 'ticket.state.updated', id: 'notif_8c1e', created_at: 1736330623, data: { item: { type: 'ticket', id: '571', ticket_state: { category: 'resolved' }, contacts: { contacts: [{ email: 'dana.lee@acme.com' }] } } } } },
            salesforceChangeEvent: { summary: 'Salesforce change event (relayed as JSON)', value: { ChangeEventHeader: { entityName: 'Case', recordIds: ['5005e00000ABCdEAAX'], changeType: 'UPDATE', changedFields: ['Priority'], commitTimestamp: 1736330623000, transactionKey: '0001f2a3-…', sequenceNumber: 1 }, Priority: 'High', AccountId: '0015e00000ZkM3hAAF' } },
          }, Object.fromEntries(SALESFORCE_MEDIA_TYPES.map((type) => [type, salesforceXml]))),
          responses: {
            '200': {
              description: 'A Salesforce outbound message (XML), accepted or ignored: the SOAP acknowledgement Salesforce expects, or it resends the message for 24 hours.',
              content: { 'text/xml': { schema: { type: 'string' }, example: '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>' } },
            },
            '202': {
              ...accepted,
              content: {
                'application/json': {
                  schema: { $ref: '#/components/schemas/Accepted' },
                  examples: {
                    accepted: { value: { accepted: 2, ids: ['jira-10042-10301-priority', 'jira-10042-10301-assignee'] } },
                    ignored: { value: { accepted: 0, ids: [], ignored: [{ reason: 'sprint_started is not an issue or comment event' }] } },
                    partly: { value: { accepted: 1, ids: ['sf-04l5e00000Gx7R0AAJ-account'], ignored: [{ reason: 'Account 0015e00000ZkM3iAAF has no owner e-mail: set accountFields.ownerEmail to a field holding it (a formula field such as Owner.Email)' }] } },
                  },
                },
              },
            },
            '400': problem(`Invalid JSON (or XML, for Salesforce), or not a payload of this vendor: \`errors\` names the field (\`detail.id\`, \`freshdesk_webhook.ticket_id\`, \`OrganizationId\` of another Salesforce organisation); or it maps to an invalid event, e.g. ${invalidEvent}.`),
            '404': problem('No such kind, or no source of that name (answered before the body is read).'),
            ...errors(options.webhookMaxBodyBytes),
          },
        },
      },
      '/v1/webhooks/mapped/{source}': {
        post: {
          tags: ['ingest'],
          operationId: 'postMappedWebhook',
          summary: 'Any JSON webhook, mapped by the source\'s JSONata mapping',
          description: [
            'For systems without an adapter: the JSONata mapping stored with a source of kind `mapped` (`npx forewarn source add <name> --kind mapped --mapping <file.jsonata>`, or `npx forewarn mapping set <name> <file.jsonata>`) turns the body into canonical CloudEvents.',
            'The mapping gets the body as its input and `$source`, `$receivedAt` and `$headers` (lower-case names, without credentials); besides JSONata\'s functions it may call `$id(parts…)` (a deterministic id), `$time(value)` (RFC 3339 from ISO, epoch seconds or milliseconds) and `$domain(email)`.',
            'It returns one event, an array of events, or nothing (answered 202 with `accepted: 0` and an `ignored` reason). An event may leave out `specversion` (1.0), the `forewarn.` prefix of its type, `time` (the time of receipt) and `id` (a hash of the event, so a retried delivery gives the same id); nulls and blank strings count as absent.',
            'Every event is validated like those posted to `/v1/events`: a violation is 400 with `errors` naming the event and field (`events[0].data.case.id`); a mapping that throws (`$error()`, a type error, or over',
            `${MAPPING_LIMITS.timeoutMs} ms) is 400 with \`mappingError\` (JSONata code, message, position). Authenticated by the source api key: \`Authorization: Bearer\`, HTTP Basic with the key as user name, or \`?token=\`. Test a mapping first with \`npx forewarn mapping test <file.jsonata> <sample.json>\`.`,
          ].join(' '),
          security: [{ sourceKey: [] }, { sourceKeyBasic: [] }, { sourceToken: [] }],
          parameters: [
            { name: 'source', in: 'path', required: true, description: 'The registered source name (kind `mapped`).', schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,99}$' } },
          ],
          requestBody: vendorPayload('Whatever JSON the system sends; the mapping gives it meaning.', {
            kestrel: { summary: 'An imaginary helpdesk', value: { event: 'ticket.created', event_id: 'evt_01JNKD8812A', occurred_at: 1741079700, ticket: { number: 8812, subject: 'SSO login loops back to the sign-in page', priority: 'P1', state: 'open', requester: { name: 'Dana Lee', email: 'dana.lee@acme.com' }, company: { id: 'co_2231', name: 'Acme Corp' } } } },
          }),
          responses: {
            '202': { ...accepted, content: { 'application/json': { schema: { $ref: '#/components/schemas/Accepted' }, examples: { accepted: { value: { accepted: 1, ids: ['evt_01JNKD8812A'] } }, ignored: { value: { accepted: 0, ids: [], ignored: [{ reason: 'the mapping produced no event for this delivery' }] } } } } } },
            '400': problem('Invalid JSON; the mapping threw (`mappingError` with JSONata `code`, `message`, `position`); or a mapped event breaks the contract (`errors` names `events[i].<field>`).'),
            '404': problem('No source of that name (answered before the body is read).'),
            '409': problem('The source has no mapping yet, or its mapping does not compile (`mappingError`).'),
            ...errors(options.webhookMaxBodyBytes),
          },
        },
      },
      '/healthz': { get: { tags: ['operations'], operationId: 'healthz', summary: 'Alive', security: [], responses: { '200': { description: 'The process is alive.' } } } },
      '/readyz': {
        get: {
          tags: ['operations'], operationId: 'readyz', summary: 'Kafka and PostgreSQL reachable', security: [],
          responses: { '200': { description: 'Ready.', content: { 'application/json': { schema: { type: 'object' } } } }, '503': { description: 'A dependency is down; the body says which.', content: { 'application/json': { schema: { type: 'object' } } } } },
        },
      },
      '/metrics': { get: { tags: ['operations'], operationId: 'metrics', summary: 'Prometheus metrics', security: [], responses: { '200': { description: 'Prometheus text format.', content: { 'text/plain': { schema: { type: 'string' } } } } } } },
      '/docs': { get: { tags: ['operations'], operationId: 'docs', summary: 'This document, as a page', security: [], responses: { '200': { description: 'HTML.', content: { 'text/html': { schema: { type: 'string' } } } } } } },
      '/docs/openapi.json': { get: { tags: ['operations'], operationId: 'openapi', summary: 'This document', security: [], responses: { '200': { description: 'OpenAPI 3.1.', content: { 'application/json': { schema: { type: 'object' } } } } } } },
    },
    components: {
      securitySchemes: {
        sourceKey: { type: 'http', scheme: 'bearer', description: 'The source api key printed by `npx forewarn source add`.' },
        sourceKeyBasic: { type: 'http', scheme: 'basic', description: 'The source api key as user name, any password (Freshdesk).' },
        sourceToken: { type: 'apiKey', in: 'query', name: 'token', description: 'The source api key, for systems that cannot set headers.' },
        vendorSignature: { type: 'apiKey', in: 'header', name: 'X-Zendesk-Webhook-Signature', description: 'Zendesk, or Jira and Intercom (X-Hub-Signature) HMAC signature, when the source has a signing secret.' },
      },
      schemas: {
        Accepted: {
          type: 'object',
          required: ['accepted', 'ids'],
          properties: {
            accepted: { type: 'integer', minimum: 0 },
            ids: { type: 'array', items: { type: 'string' } },
            ignored: {
              type: 'array',
              description: 'Webhooks: the parts of a valid delivery that yielded no event, each with why (present only when there are any; alone, with `accepted: 0`, when the delivery yielded nothing).',
              items: { type: 'object', required: ['reason'], properties: { reason: { type: 'string' } } },
            },
          },
        },
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'detail'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            errors: { type: 'array', items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } } },
            mappingError: { $ref: '#/components/schemas/MappingError' },
          },
        },
        AccountRef: {
          type: 'object',
          description: 'At least one of id, domain, externalId.',
          properties: { id: { type: 'string' }, domain: { type: 'string' }, externalId: { type: 'string' }, name: { type: 'string' } },
          anyOf: [{ required: ['id'] }, { required: ['domain'] }, { required: ['externalId'] }],
        },
        MappingError: {
          type: 'object',
          description: 'What JSONata said when a mapping did not compile or threw.',
          required: ['code', 'message'],
          properties: { code: { type: 'string', examples: ['S0211', 'T2002', 'D1012', 'D3137'] }, message: { type: 'string' }, position: { type: 'integer' }, token: { type: 'string' }, at: { type: 'string', description: 'line:column in the mapping' } },
        },
        Case: {
          type: 'object',
          required: ['id'],
          properties: {
            id: { type: 'string' },
            title: { type: 'string' },
            url: { type: 'string', format: 'uri', pattern: '^[Hh][Tt][Tt][Pp][Ss]?://', description: 'http or https only.' },
            severity: { type: 'integer', minimum: 1, maximum: 4, description: '1 critical … 4 low' },
            status: { type: 'string', enum: [...CASE_STATUSES] },
            escalationLevel: { type: 'integer', minimum: 0, maximum: 3 },
            product: { type: 'string' },
          },
        },
        InboundEvent: {
          type: 'object',
          description: 'CloudEvents 1.0, structured JSON. `source` is set by the gateway from the authenticated source; `time` is when it happened (receipt time if absent), at most 5 minutes ahead of the gateway\'s clock. `data` by type: see CONTRACT.md. A source may send only the types it is allowed: `cases` (case.*, survey.*), `meetings` (meeting.*), `accounts` (account.upserted).',
          required: ['specversion', 'id', 'type', 'data'],
          properties: {
            specversion: { const: '1.0' },
            id: { type: 'string', maxLength: 200 },
            type: { type: 'string', enum: [...EVENT_TYPES] },
            time: { type: 'string', format: 'date-time' },
            subject: { type: 'string' },
            data: {
              type: 'object',
              properties: {
                account: { $ref: '#/components/schemas/AccountRef' },
                case: { $ref: '#/components/schemas/Case' },
                actor: { type: 'object', properties: { type: { type: 'string', enum: ['customer', 'agent', 'system'] }, name: { type: 'string' }, email: { type: 'string', format: 'email' } } },
                reason: { type: 'string' },
                comment: { type: 'object', properties: { public: { type: 'boolean' }, excerpt: { type: 'string' } } },
                assignee: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } },
                survey: { type: 'object', required: ['kind', 'score'], properties: { kind: { type: 'string', enum: ['csat', 'nps'] }, score: { type: 'integer' }, comment: { type: 'string' } } },
                meeting: { type: 'object', properties: { id: { type: 'string' }, title: { type: 'string' }, startsAt: { type: 'string', format: 'date-time' }, endsAt: { type: 'string', format: 'date-time' }, kind: { type: 'string', enum: [...MEETING_KINDS] } } },
              },
              additionalProperties: true,
            },
          },
        },
      },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** A small, dependency-free HTML rendering of the document: one section per operation. */
export function openApiHtml(document: OpenApiDocument): string {
  const sections = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, { summary?: string; description?: string; responses?: Record<string, { description?: string }> }>).map(([method, op]) => `
  <section>
    <h2><span class="method">${method.toUpperCase()}</span> <code>${escape(path)}</code></h2>
    <p><strong>${escape(op.summary ?? '')}</strong></p>
    ${op.description ? `<p>${escape(op.description)}</p>` : ''}
    <table><tbody>${Object.entries(op.responses ?? {}).map(([status, r]) => `<tr><td><code>${status}</code></td><td>${escape(r.description ?? '')}</td></tr>`).join('')}</tbody></table>
  </section>`));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(document.info.title)} — API</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1f2933; }
  h1 { margin-bottom: 0.25rem; } section { border-top: 1px solid #d9e2ec; padding: 0.5rem 0; }
  .method { display: inline-block; min-width: 3.5rem; padding: 0 0.4rem; border-radius: 4px; background: #243b53; color: #fff; font-size: 0.8em; text-align: center; }
  table { border-collapse: collapse; } td { padding: 0.15rem 0.75rem 0.15rem 0; vertical-align: top; } code { font-size: 0.95em; }
</style>
</head>
<body>
<h1>${escape(document.info.title)}</h1>
<p>${escape(document.info.description)}</p>
<p>Machine-readable: <a href="/docs/openapi.json">/docs/openapi.json</a> (OpenAPI ${escape(document.openapi)}).</p>
${sections.join('\n')}
</body>
</html>
`;
}
