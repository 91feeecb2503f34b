import { mapFreshdesk } from './freshdesk/freshdesk.mapper';
import { mapJira } from './jira/jira.mapper';
import { mapServiceNow } from './servicenow/servicenow.mapper';
import { JIRA_SIGNATURE_HEADER, type SignatureCheck, verifyJiraSignature, verifyZendeskSignature, ZENDESK_SIGNATURE_HEADER, ZENDESK_TIMESTAMP_HEADER } from './signatures';
import type { MapResult, MappingContext, WebhookKind } from './types';
import { mapZendesk } from './zendesk/zendesk.mapper';

/** A delivery as a vendor's signature scheme sees it: the exact bytes, the headers, the secret and the gateway's clock. */
export interface SignedDelivery {
  secret: string;
  rawBody: Buffer;
  /** Lower-case header names, as Node gives them. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  now: Date;
  /** Replay window for schemes that sign a timestamp. */
  toleranceSeconds: number;
}

/**
 * Everything the gateway needs to know about one support system: how its deliveries prove who
 * sent them (when the source has a signing secret) and how they map to canonical events. Adding a
 * vendor is adding one of these, with its mapper's fixtures and tests; the webhook pipeline does
 * the rest (size limits, authentication, allowance, validation, publishing, answering).
 */
export interface WebhookVendor {
  readonly kind: WebhookKind;
  /** The vendor's signature scheme; absent when the vendor does not sign (the source's api key then). */
  readonly verify?: (delivery: SignedDelivery) => SignatureCheck;
  /** The scheme's name for `WWW-Authenticate` when a signature is refused. */
  readonly signatureScheme?: string;
  readonly map: (payload: unknown, context: MappingContext) => MapResult;
}

export const WEBHOOK_VENDORS: Readonly<Record<WebhookKind, WebhookVendor>> = {
  zendesk: {
    kind: 'zendesk',
    signatureScheme: 'HMAC-SHA256',
    verify: ({ secret, rawBody, headers, now, toleranceSeconds }) =>
      verifyZendeskSignature({ secret, rawBody, signature: headers[ZENDESK_SIGNATURE_HEADER], timestamp: headers[ZENDESK_TIMESTAMP_HEADER], now, toleranceSeconds }),
    map: mapZendesk,
  },
  jira: {
    kind: 'jira',
    signatureScheme: 'HMAC-SHA256',
    verify: ({ secret, rawBody, headers }) => verifyJiraSignature({ secret, rawBody, signature: headers[JIRA_SIGNATURE_HEADER] }),
    map: mapJira,
  },
  freshdesk: { kind: 'freshdesk', map: mapFreshdesk },
  servicenow: { kind: 'servicenow', map: mapServiceNow },
};
