import { ALLOWANCES, type Allowance } from '@forewarn/contracts';
import { WEBHOOK_KINDS, WEBHOOK_VENDORS, type WebhookKind } from '@forewarn/ingest';

/** `events` (canonical CloudEvents), every vendor of the webhook registry, and `mapped` (a JSONata mapping). */
export const SOURCE_KINDS = ['events', ...WEBHOOK_KINDS, 'mapped'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export const isSourceKind = (value: string): value is SourceKind => (SOURCE_KINDS as readonly string[]).includes(value);

/**
 * What each kind of source can be for (its `--allow` may narrow this, never widen it): a vendor's
 * as its registry entry says (`WEBHOOK_VENDORS[kind].allowances`: helpdesks report cases;
 * Salesforce, a CRM too, also owns accounts and books meetings); `events` and `mapped` sources can
 * send anything.
 */
export const SOURCE_KIND_ALLOWANCES: Readonly<Record<SourceKind, readonly Allowance[]>> = {
  events: ALLOWANCES,
  mapped: ALLOWANCES,
  ...(Object.fromEntries(WEBHOOK_KINDS.map((kind) => [kind, WEBHOOK_VENDORS[kind].allowances])) as Record<WebhookKind, readonly Allowance[]>),
};

/**
 * A source's settings: configuration its kind's mapper reads (Salesforce's `organizationId` and
 * `accountFields`, a `timezone`), checked by the vendor's `validateSettings` when stored. Not
 * secrets: they are shown by `forewarn source list` and recorded in the audit log.
 */
export type SourceSettings = Readonly<Record<string, unknown>>;

export interface Source {
  name: string;
  kind: SourceKind;
  signingSecret: string | null;
  /** The JSONata mapping of a `mapped` source (its webhook JSON → canonical events); null until set. */
  mapping?: string | null;
  /** What it may send: `cases` (case.*, survey.*), `meetings` (meeting.*), `accounts` (account.upserted). */
  allow: Allowance[];
  /** Its settings (`{}` when it has none); what each kind reads is in docs/webhooks/<kind>.md. */
  settings?: SourceSettings;
}

/** A source as `forewarn source list` shows it: never a key, a hash of one, or a signing secret. */
export interface SourceListing {
  name: string;
  kind: SourceKind;
  allow: Allowance[];
  created: string;
  signed: boolean;
  hasMapping: boolean;
  settings: SourceSettings;
  key: { rotatedAt: string | null; previousKeyValidUntil: string | null };
}

export class SourceNotFoundError extends Error {
  constructor(name: string) {
    super(`there is no source named "${name}"`);
  }
}

export class SourceExistsError extends Error {
  constructor(name: string) {
    super(`a source named "${name}" already exists`);
  }
}
