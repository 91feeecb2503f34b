import type { IngestRequest } from '../ingest/ingest-request';

/** A webhook request as the pipeline leaves it for the rejections filter: when it arrived and its correlation id. */
export interface WebhookRequest extends IngestRequest {
  delivery?: { receivedAt: Date; correlationId: string };
}

/** The request's headers with a single value, lower-case names (what a mapping and the delivery log see). */
export const singleValued = (headers: IngestRequest['headers']): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
