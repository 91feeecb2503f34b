import { createParamDecorator, type ExecutionContext, type RawBodyRequest } from '@nestjs/common';
import type { Source } from '@forewarn/database';
import type { Request } from 'express';

/**
 * A request to an ingest route as the guards leave it: the source they authenticated, and the body
 * when a signature check had to read it (Nest's `rawBody` convention).
 */
export interface IngestRequest extends RawBodyRequest<Request> {
  source?: Source;
}

/** The authenticated source of a request; only on routes whose guards authenticate one. */
export function sourceOf(request: IngestRequest): Source {
  if (!request.source) throw new Error('no authenticated source: the route lacks its authentication guard');
  return request.source;
}

/** The handler's parameter for the source the guards authenticated. */
export const AuthenticatedSource = createParamDecorator((_: unknown, context: ExecutionContext): Source => sourceOf(context.switchToHttp().getRequest<IngestRequest>()));
