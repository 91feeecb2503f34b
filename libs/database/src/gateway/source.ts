import { ALLOWANCES, type Allowance } from '@forewarn/contracts';

export const SOURCE_KINDS = ['events', 'zendesk', 'jira', 'freshdesk', 'servicenow', 'mapped'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/**
 * What each kind of source can be for (its `--allow` may narrow this, never widen it). Helpdesks
 * report cases; `events` and `mapped` sources can send anything. A kind that is also a CRM
 * (Salesforce) lists `cases`, `meetings` and `accounts`: it may own accounts and book meetings.
 */
export const SOURCE_KIND_ALLOWANCES: Record<SourceKind, readonly Allowance[]> = {
  events: ALLOWANCES,
  mapped: ALLOWANCES,
  zendesk: ['cases'],
  jira: ['cases'],
  freshdesk: ['cases'],
  servicenow: ['cases'],
};

export interface Source {
  name: string;
  kind: SourceKind;
  signingSecret: string | null;
  /** The JSONata mapping of a `mapped` source (its webhook JSON → canonical events); null until set. */
  mapping?: string | null;
  /** What it may send: `cases` (case.*, survey.*), `meetings` (meeting.*), `accounts` (account.upserted). */
  allow: Allowance[];
}

/** A source as `forewarn source list` shows it: never a key, a hash of one, or a signing secret. */
export interface SourceListing {
  name: string;
  kind: SourceKind;
  allow: Allowance[];
  created: string;
  signed: boolean;
  hasMapping: boolean;
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
