import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { GatewayConfig } from '@forewarn/config';
import type { Source } from '@forewarn/database';
import { DELIVERY_KINDS, isDeliveryKind, isWebhookKind, MAPPED_KIND, WEBHOOK_VENDORS } from '@forewarn/ingest';
import { Problem } from '@forewarn/service-kit';
import { GATEWAY_CONFIG } from '../gateway.config';
import { BodyLimits } from '../ingest/body-limits';
import type { IngestRequest } from '../ingest/ingest-request';
import { bodyOf, mediaTypeOf } from '../ingest/request-body';
import { SourceDirectory } from '../ingest/source-directory';

/**
 * Who sent a webhook delivery: the source its URL names (`/v1/webhooks/<kind>/<name>`), proved by
 * the vendor's signature when the source has a signing secret and the vendor signs (Zendesk,
 * Jira, Intercom), otherwise by the source's own api key (a header, or `?token=` for senders that
 * cannot set one, such as Salesforce's outbound messages).
 *
 * A signature is computed over the exact bytes of the body, so on that path this guard reads the
 * body (at most the webhook limit) and leaves it on the request for the handler. It does so only
 * after the cheap refusals: the client's rate and the declared size (AdmissionGuard, before it),
 * then an unknown kind or source (404), a source of another kind (403), a body that is neither
 * JSON nor a media type its vendor sends (415: Salesforce sends `text/xml`). On the api-key path nothing is read before the key is checked.
 */
@Injectable()
export class WebhookSourceGuard implements CanActivate {
  constructor(private readonly sources: SourceDirectory, private readonly limits: BodyLimits, @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<IngestRequest & { params: { kind: string; source: string } }>();
    const source = await this.admit(request.params.kind, request.params.source, request);
    await this.authenticate(source, request);
    request.source = source;
    return true;
  }

  private async admit(kind: string, name: string, request: IngestRequest): Promise<Source> {
    if (!isDeliveryKind(kind)) throw new Problem(404, 'Not Found', `There are no "${kind}" webhooks; the kinds are ${DELIVERY_KINDS.join(', ')}.`);
    const source = await this.sources.findByName(name);
    if (!source) {
      const mapping = kind === MAPPED_KIND ? ' --mapping <file.jsonata>' : '';
      throw new Problem(404, 'Not Found', `There is no source named "${name}". Register it with "npx forewarn source add ${name} --kind ${kind}${mapping}".`);
    }
    if (source.kind !== kind) {
      const where = source.kind === 'events' ? '/v1/events' : `/v1/webhooks/${source.kind}/${source.name}`;
      throw new Problem(403, 'Forbidden', `Source "${source.name}" is registered as ${source.kind}, not ${kind}; send to ${where}.`);
    }
    const mediaType = mediaTypeOf(request);
    const vendorTypes = isWebhookKind(source.kind) ? (WEBHOOK_VENDORS[source.kind].mediaTypes ?? []) : [];
    if (mediaType && mediaType !== 'application/json' && !mediaType.endsWith('+json') && mediaType !== 'text/plain' && !vendorTypes.includes(mediaType)) {
      const what = vendorTypes.length > 0 ? `JSON (Content-Type: application/json) or ${vendorTypes.join(', ')}` : 'JSON (Content-Type: application/json)';
      throw new Problem(415, 'Unsupported Media Type', `Send the webhook body as ${what}, not "${mediaType}".`);
    }
    return source;
  }

  private async authenticate(source: Source, request: IngestRequest): Promise<void> {
    const vendor = isWebhookKind(source.kind) ? WEBHOOK_VENDORS[source.kind] : null;
    const verify = source.signingSecret ? vendor?.verify : undefined;
    if (!verify) {
      const keyOwner = await this.sources.authenticate(request);
      if (keyOwner.name !== source.name) throw new Problem(403, 'Forbidden', `This api key belongs to source "${keyOwner.name}", not "${source.name}".`);
      return;
    }
    const rawBody = await bodyOf(request, this.limits.webhooks);
    const check = verify({ secret: source.signingSecret as string, rawBody, headers: request.headers, now: new Date(), toleranceSeconds: this.config.GATEWAY_SIGNATURE_TOLERANCE_SECONDS });
    if (!check.ok) {
      throw new Problem(401, 'Unauthorized', check.detail, { reason: `signature_${check.reason}`, headers: { 'WWW-Authenticate': `${vendor?.signatureScheme ?? 'HMAC-SHA256'} realm="forewarn"` } });
    }
  }
}
