import { mapFreshdesk } from './freshdesk/freshdesk.mapper';
import { mapJira } from './jira/jira.mapper';
import { mapServiceNow } from './servicenow/servicenow.mapper';
import type { MapResult, MappingContext, WebhookKind, WebhookMapper } from './types';
import { mapZendesk } from './zendesk/zendesk.mapper';

/** One pure mapper per support system: vendor payload → canonical inbound CloudEvents. */
export const WEBHOOK_MAPPERS: Readonly<Record<WebhookKind, WebhookMapper>> = {
  zendesk: mapZendesk,
  jira: mapJira,
  freshdesk: mapFreshdesk,
  servicenow: mapServiceNow,
};

export function mapWebhook(kind: WebhookKind, payload: unknown, context: MappingContext): MapResult {
  return WEBHOOK_MAPPERS[kind](payload, context);
}
