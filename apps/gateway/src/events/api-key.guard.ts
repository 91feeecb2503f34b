import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Problem } from '@forewarn/service-kit';
import type { IngestRequest } from '../ingest/ingest-request';
import { SourceDirectory } from '../ingest/source-directory';

/**
 * `/v1/events` authenticates a source by its api key (bearer, Basic with the key as user name, or
 * `?token=`): 401 without a known key. Only `events` sources post CloudEvents here; a webhook
 * source is sent to its own URL (403).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly sources: SourceDirectory) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<IngestRequest>();
    const source = await this.sources.authenticate(request);
    if (source.kind !== 'events') {
      throw new Problem(403, 'Forbidden', `Source "${source.name}" is registered for ${source.kind} webhooks; post to /v1/webhooks/${source.kind}/${source.name}.`);
    }
    request.source = source;
    return true;
  }
}
