import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MAPPED_KIND } from '@forewarn/ingest';
import { OpsController } from '@forewarn/service-kit';
import { compileErrors, validate } from '@readme/openapi-parser';
import { EventsController } from '../events/events.controller';
import { WebhooksController } from '../webhooks/webhooks.controller';
import { DocsController } from './docs.controller';
import { openApiDocument, openApiHtml } from './openapi';

const options = { maxBatch: 1000, maxBodyBytes: 5 * 1024 * 1024, webhookMaxBodyBytes: 1024 * 1024, ratePerSecond: 50, burst: 100, clientRatePerSecond: 200, clientBurst: 400, toleranceSeconds: 300 };

/**
 * Every route the gateway's controllers declare, as OpenAPI paths (`:kind` → `{kind}`). The
 * document gives mapped sources a path of their own, which `/v1/webhooks/{kind}/{source}` serves.
 */
function declaredRoutes(): string[] {
  const routes: string[] = [];
  for (const controller of [EventsController, WebhooksController, DocsController, OpsController]) {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    const prototype = controller.prototype as unknown as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler = prototype[name];
      if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
      const path = String(Reflect.getMetadata(PATH_METADATA, handler));
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number].toLowerCase();
      const full = `/${[base, path].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`.replace(/:([A-Za-z]+)/g, '{$1}');
      routes.push(`${method} ${full}`);
    }
  }
  if (routes.includes('post /v1/webhooks/{kind}/{source}')) routes.push(`post /v1/webhooks/${MAPPED_KIND}/{source}`);
  return routes.sort();
}

describe('the OpenAPI document served at /docs', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const document = openApiDocument(options);
    const result = await validate(JSON.parse(JSON.stringify(document)));
    if (!result.valid) throw new Error(compileErrors(result));
    expect(result.specification).toBe('OpenAPI');
    expect(document.openapi).toBe('3.1.0');
  });

  it('describes exactly the routes the gateway serves', () => {
    const documented = Object.entries(openApiDocument(options).paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`)).sort();
    expect(documented).toEqual(declaredRoutes());
  });

  it('documents the limits and failure answers of both ingest endpoints', () => {
    const { paths } = openApiDocument(options);
    for (const operation of [paths['/v1/events'].post, paths['/v1/webhooks/{kind}/{source}'].post, paths['/v1/webhooks/mapped/{source}'].post]) {
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['202', '400', '401', '403', '413', '415', '429', '503']));
      expect(operation.responses['429']).toMatchObject({ headers: { 'Retry-After': expect.anything() } });
      expect(operation.responses['503']).toMatchObject({ headers: { 'Retry-After': expect.anything() } });
    }
    expect(paths['/v1/webhooks/{kind}/{source}'].post.parameters[0]).toMatchObject({ schema: { enum: ['zendesk', 'jira', 'freshdesk', 'servicenow', 'intercom', 'salesforce'] } });
  });

  it('documents Salesforce\'s XML and its acknowledgement, and what was ignored as a list of reasons', () => {
    const { paths, components } = openApiDocument(options);
    const webhook = paths['/v1/webhooks/{kind}/{source}'].post;
    expect(Object.keys(webhook.requestBody.content)).toEqual(expect.arrayContaining(['application/json', 'text/xml', 'application/xml', 'application/soap+xml']));
    expect(webhook.responses['200'].content['text/xml'].example).toContain('<Ack>true</Ack>');
    expect(webhook.responses['202'].content['application/json'].examples.ignored.value).toEqual({ accepted: 0, ids: [], ignored: [{ reason: expect.any(String) }] });
    expect(components.schemas.Accepted.properties.ignored).toMatchObject({ type: 'array', items: { required: ['reason'] } });
    expect(webhook.description).toEqual(expect.stringContaining('forewarn source log'));
  });

  it('documents the trust boundaries: what a source may send (403), the body limits before reading (413), the per-address limit (429)', () => {
    const { paths } = openApiDocument(options);
    const events = paths['/v1/events'].post.responses;
    expect(events['403'].description).toEqual(expect.stringContaining('outside what the source may send'));
    expect(events['413'].description).toEqual(expect.stringContaining(`${5 * 1024 * 1024} bytes`));
    expect(events['429'].description).toEqual(expect.stringContaining('client address (200 per second, burst 400; checked first, before authentication)'));
    expect(events['400'].description).toEqual(expect.stringContaining('5 minutes ahead'));
    expect(paths['/v1/webhooks/{kind}/{source}'].post.responses['413'].description).toEqual(expect.stringContaining(`${1024 * 1024} bytes`));
    expect(paths['/v1/webhooks/mapped/{source}'].post.responses['413'].description).toEqual(expect.stringContaining(`${1024 * 1024} bytes`));
  });

  it('documents mapped sources: their route, the mapping failure answers and the bindings a mapping gets', () => {
    const operation = openApiDocument(options).paths['/v1/webhooks/mapped/{source}'].post;
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['202', '400', '404', '409']));
    expect(operation.description).toEqual(expect.stringContaining('$receivedAt'));
    expect(operation.description).toEqual(expect.stringContaining('forewarn mapping test'));
  });

  it('renders a small HTML page that escapes what it shows', () => {
    const html = openApiHtml(openApiDocument(options));
    expect(html).toContain('<code>/v1/webhooks/{kind}/{source}</code>');
    expect(html).toContain('href="/docs/openapi.json"');
    expect(html).not.toMatch(/<script/i);
  });
});
