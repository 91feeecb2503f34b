import type { MapResult, MappingContext, WebhookKind } from './types';
import { WEBHOOK_VENDORS } from './vendors';

export function mapWebhook(kind: WebhookKind, payload: unknown, context: MappingContext): MapResult {
  return WEBHOOK_VENDORS[kind].map(payload, context);
}
