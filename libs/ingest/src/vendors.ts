import type { Allowance, FieldError } from '@forewarn/contracts';
import { settingsTimezoneErrors, unknownSettingErrors } from './common';
import { mapFreshdesk } from './freshdesk/freshdesk.mapper';
import { mapIntercom } from './intercom/intercom.mapper';
import { mapJira } from './jira/jira.mapper';
import { answerSalesforce, mapSalesforce, parseSalesforce, SALESFORCE_MEDIA_TYPES, validateSalesforceSettings } from './salesforce/salesforce.mapper';
import { mapServiceNow } from './servicenow/servicenow.mapper';
import {
  INTERCOM_SIGNATURE_HEADER, JIRA_SIGNATURE_HEADER, type SignatureCheck, verifyIntercomSignature, verifyJiraSignature, verifyZendeskSignature,
  ZENDESK_SIGNATURE_HEADER, ZENDESK_TIMESTAMP_HEADER,
} from './signatures';
import type { IgnoredPart, MapResult, MappingContext, WebhookKind } from './types';
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

/** A body read by a vendor's own parser: the payload its `map` takes, or what is wrong with it (`400`). */
export type ParsedBody = { ok: true; payload: unknown } | { ok: false; errors: FieldError[] };

/** What the gateway is about to answer a delivery that it accepted (`202`), for vendors that expect their own acknowledgement. */
export interface WebhookOutcome {
  accepted: number;
  ids: string[];
  /** The parts that yielded no event, with why (empty when everything was accepted). */
  ignored: IgnoredPart[];
  /** The media type the delivery came with (lower case, no parameters), e.g. `text/xml`. */
  mediaType: string | undefined;
}

/** An answer in the vendor's own format, replacing the JSON body of a `2xx` answer. */
export interface VendorAnswer {
  /** The HTTP status to answer with (Salesforce wants `200`, not `202`). */
  status: number;
  contentType: string;
  body: string;
}

/**
 * Everything the gateway needs to know about one support system: how its deliveries prove who
 * sent them (when the source has a signing secret), how they are read, how they map to canonical
 * events and how they are answered. Adding a vendor is adding one of these, with its mapper's
 * fixtures and tests; the webhook pipeline does the rest (size limits, authentication,
 * allowance, validation, publishing, answering).
 */
export interface WebhookVendor {
  readonly kind: WebhookKind;
  /**
   * What a source of this kind can be for (`cases`, `meetings`, `accounts`): helpdesks `cases`;
   * Salesforce, a CRM too, all three. The default allowance of a new source, and the most it may be narrowed from.
   */
  readonly allowances: readonly Allowance[];
  /** The vendor's signature scheme; absent when the vendor does not sign (the source's api key then). */
  readonly verify?: (delivery: SignedDelivery) => SignatureCheck;
  /** The scheme's name for `WWW-Authenticate` when a signature is refused. */
  readonly signatureScheme?: string;
  /**
   * Media types (lower case, no parameters) this vendor sends besides JSON (`application/json`,
   * `*+json`, `text/plain`, none), which the gateway must not refuse with `415`: Salesforce's
   * outbound messages are `text/xml`.
   */
  readonly mediaTypes?: readonly string[];
  /**
   * Reads the raw body when it is not plain JSON (Salesforce: a SOAP outbound message, or the JSON
   * of a change event). Absent: the gateway parses JSON itself. `ok: false` is a `400` naming the errors.
   */
  readonly parse?: (rawBody: Buffer, mediaType: string | undefined) => ParsedBody;
  /** Maps a parsed payload. `context.settings` are the source's settings (see `validateSettings`). */
  readonly map: (payload: unknown, context: MappingContext) => MapResult;
  /**
   * The body the vendor expects back for an accepted delivery (`202` with JSON otherwise):
   * Salesforce's outbound messaging retries for 24 hours unless it gets its SOAP acknowledgement
   * (`<notificationsResponse><Ack>true</Ack></notificationsResponse>`) with `200`. Undefined: the
   * usual JSON answer. Refusals (4xx, 5xx) stay problem+json; the vendor retries them.
   */
  readonly answer?: (outcome: WebhookOutcome) => VendorAnswer | undefined;
  /**
   * Checks a source's settings of this kind when they are stored (`forewarn source add|set
   * --setting key=value`); the errors name each bad setting. Absent: the kind takes no settings.
   */
  readonly validateSettings?: (settings: Readonly<Record<string, unknown>>) => FieldError[];
}

const CASES: readonly Allowance[] = ['cases'];

export const WEBHOOK_VENDORS: Readonly<Record<WebhookKind, WebhookVendor>> = {
  zendesk: {
    kind: 'zendesk',
    allowances: CASES,
    signatureScheme: 'HMAC-SHA256',
    verify: ({ secret, rawBody, headers, now, toleranceSeconds }) =>
      verifyZendeskSignature({ secret, rawBody, signature: headers[ZENDESK_SIGNATURE_HEADER], timestamp: headers[ZENDESK_TIMESTAMP_HEADER], now, toleranceSeconds }),
    map: mapZendesk,
  },
  jira: {
    kind: 'jira',
    allowances: CASES,
    signatureScheme: 'HMAC-SHA256',
    verify: ({ secret, rawBody, headers }) => verifyJiraSignature({ secret, rawBody, signature: headers[JIRA_SIGNATURE_HEADER] }),
    map: mapJira,
  },
  freshdesk: {
    kind: 'freshdesk',
    allowances: CASES,
    map: mapFreshdesk,
    validateSettings: (settings) => [...unknownSettingErrors(settings, ['timezone']), ...settingsTimezoneErrors(settings)],
  },
  servicenow: { kind: 'servicenow', allowances: CASES, map: mapServiceNow },
  intercom: {
    kind: 'intercom',
    allowances: CASES,
    signatureScheme: 'HMAC-SHA1',
    verify: ({ secret, rawBody, headers }) => verifyIntercomSignature({ secret, rawBody, signature: headers[INTERCOM_SIGNATURE_HEADER] }),
    map: mapIntercom,
  },
  salesforce: {
    kind: 'salesforce',
    allowances: ['cases', 'meetings', 'accounts'],
    mediaTypes: SALESFORCE_MEDIA_TYPES,
    parse: parseSalesforce,
    map: mapSalesforce,
    answer: answerSalesforce,
    validateSettings: (settings) => [...unknownSettingErrors(settings, ['organizationId', 'accountFields', 'timezone']), ...validateSalesforceSettings(settings)],
  },
};
