import type { CaseStatus, EventType, FieldError } from '@forewarn/contracts';
import { guessMeetingKind } from '../calendar/ical-feed';
import {
  accountRef, caseEvent, compact, domainOf, email, eventId, excerpt, httpUrl, ignored, invalidField, isObject, type Json, justCreated,
  mapped, norm, settingsTimezoneErrors, stableId, str, timeIn,
} from '../common';
import { jiraSeverity } from '../jira/jira.mapper';
import type { IgnoredPart, MappedEvent, MappingContext, MapResult } from '../types';
import { child, childrenNamed, parseXml, XmlError } from './xml';

/**
 * Salesforce → canonical events: Service Cloud cases as a helpdesk, Sales Cloud accounts,
 * events and renewal opportunities as the CRM. Three kinds of delivery arrive at one URL:
 *
 * - **Outbound messages** (SOAP, `text/xml`): a workflow rule's or flow's snapshot of chosen fields
 *   of up to 100 records (Salesforce's "Understanding the Outbound Messaging WSDL"). Read by a
 *   small XML reader (no DOCTYPE, no entities); `OrganizationId` must be the source's
 *   `organizationId` setting when it has one; answered with the SOAP acknowledgement Salesforce
 *   expects (`answerSalesforce`), or it retries for 24 hours.
 * - **Change Data Capture events** relayed as JSON by a flow or middleware (`{ "ChangeEventHeader":
 *   { entityName, recordIds, changeType, changedFields, commitTimestamp, transactionKey,
 *   sequenceNumber }, …changed fields }`, also inside `payload` or `data.payload`): only the changed
 *   fields, so a change is mapped by what changed.
 * - **Records** a flow's HTTP callout posts as the REST API renders them (`{ "attributes": { "type":
 *   "Case" }, "Id": …, … }`, one or an array): snapshots, like outbound messages.
 *
 * Objects: Case (and CaseComment) → case events; Account → `account.upserted` through the
 * `accountFields` setting; Event → `meeting.*`; Opportunity whose type or name says renewal → a
 * `renewal` meeting on its close date. Case ids are `SF-<record id>` (the 18-character id every
 * kind of delivery carries; the case number is not in a change event).
 */
export const SALESFORCE_MEDIA_TYPES = ['text/xml', 'application/xml', 'application/soap+xml'] as const;
export const SALESFORCE_OBJECTS_MAPPED = ['Case', 'CaseComment', 'Account', 'Event', 'Opportunity'] as const;

/** An outbound message as `parseSalesforce` reads it: the envelope's ids and each notification's record. */
export interface SalesforceOutboundMessage {
  format: 'salesforce-outbound-message';
  organizationId?: string;
  actionId?: string;
  /** Base URL of the org (from the message's EnterpriseUrl/PartnerUrl), for links to records. */
  instanceUrl?: string;
  notifications: { id?: string; objectType?: string; fields: Record<string, string | null> }[];
}

const XML_START = /^\s*</;

/**
 * Reads a Salesforce delivery: a SOAP outbound message (XML) into a `SalesforceOutboundMessage`,
 * anything else as JSON. Errors name what is wrong (`400`).
 */
export function parseSalesforce(rawBody: Buffer, mediaType: string | undefined): { ok: true; payload: unknown } | { ok: false; errors: FieldError[] } {
  const text = rawBody.toString('utf8');
  const xml = (mediaType !== undefined && /xml/.test(mediaType)) || XML_START.test(text);
  if (!xml) {
    try {
      return { ok: true, payload: JSON.parse(text) };
    } catch {
      return { ok: false, errors: [{ field: '(body)', message: 'is neither a SOAP outbound message nor JSON' }] };
    }
  }
  try {
    const envelope = parseXml(text);
    const notifications = child(child(envelope, 'Body'), 'notifications');
    if (envelope.local !== 'Envelope' || !notifications) {
      return { ok: false, errors: [{ field: 'Envelope.Body.notifications', message: 'is required: this is not a Salesforce outbound message' }] };
    }
    const value = (name: string) => child(notifications, name)?.text.trim() || undefined;
    const origin = /^(https:\/\/[^/]+)\//.exec(value('EnterpriseUrl') ?? value('PartnerUrl') ?? '')?.[1];
    return {
      ok: true,
      payload: {
        format: 'salesforce-outbound-message',
        organizationId: value('OrganizationId'),
        actionId: value('ActionId'),
        instanceUrl: origin,
        notifications: childrenNamed(notifications, 'Notification').map((n) => {
          const sObject = child(n, 'sObject');
          const type = Object.entries(sObject?.attributes ?? {}).find(([k]) => k === 'type' || k.endsWith(':type'))?.[1];
          const fields: Record<string, string | null> = {};
          for (const f of sObject?.children ?? []) {
            const nil = Object.entries(f.attributes).some(([k, v]) => (k === 'nil' || k.endsWith(':nil')) && v === 'true');
            if (f.children.length === 0) fields[f.local] = nil ? null : f.text;
          }
          return { id: child(n, 'Id')?.text.trim() || undefined, objectType: type?.replace(/^[^:]*:/, ''), fields };
        }),
      } satisfies SalesforceOutboundMessage,
    };
  } catch (error) {
    if (error instanceof XmlError) return { ok: false, errors: [{ field: '(body)', message: `is not well-formed XML: ${error.message}` }] };
    throw error;
  }
}

const ACK = '<?xml version="1.0" encoding="UTF-8"?>\n'
  + '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
  + '<soapenv:Body><notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse></soapenv:Body>'
  + '</soapenv:Envelope>\n';

/**
 * Salesforce's acknowledgement of an outbound message (`200`, SOAP `Ack true`), for a delivery the
 * gateway accepted — also when every notification in it was ignored, or Salesforce would resend it
 * for a day. JSON deliveries (change events, records) get the usual JSON answer.
 */
export function answerSalesforce(outcome: { mediaType: string | undefined }): { status: number; contentType: string; body: string } | undefined {
  if (!outcome.mediaType || !/xml/.test(outcome.mediaType)) return undefined;
  return { status: 200, contentType: 'text/xml; charset=utf-8', body: ACK };
}

/* ----------------------------------------------------------------- settings */

/** The Account fields Forewarn reads (API names, dotted for relationships a flow includes), and their defaults. */
export const ACCOUNT_FIELD_DEFAULTS = {
  id: ['Id'],
  name: ['Name'],
  ownerEmail: ['Owner.Email', 'OwnerEmail', 'Owner_Email__c'],
  ownerName: ['Owner.Name', 'OwnerName', 'Owner_Name__c'],
  team: ['Team__c'],
  leadEmail: ['Lead_Email__c'],
  leadName: ['Lead_Name__c'],
  tier: ['Tier__c', 'CustomerPriority__c'],
  arr: ['ARR__c', 'AnnualRevenue'],
  renewalDate: ['Renewal_Date__c', 'RenewalDate__c'],
  domains: ['Website', 'Domain__c'],
  timezone: ['Timezone__c', 'Time_Zone__c'],
} as const satisfies Record<string, readonly string[]>;
type AccountField = keyof typeof ACCOUNT_FIELD_DEFAULTS;

const SALESFORCE_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** `organizationId` (15 or 18 characters), `accountFields` (`{ ownerEmail: "Owner_Email__c", … }`), `timezone`. */
export function validateSalesforceSettings(settings: Readonly<Record<string, unknown>>): FieldError[] {
  const errors: FieldError[] = [...settingsTimezoneErrors(settings)];
  const org = settings.organizationId;
  if (org !== undefined && (typeof org !== 'string' || !SALESFORCE_ID.test(org) || !org.startsWith('00D'))) {
    errors.push({ field: 'settings.organizationId', message: 'must be a Salesforce organisation id (00D…, 15 or 18 characters)' });
  }
  const fields = settings.accountFields;
  if (fields !== undefined) {
    if (!isObject(fields)) errors.push({ field: 'settings.accountFields', message: `must be an object mapping ${Object.keys(ACCOUNT_FIELD_DEFAULTS).join(', ')} to field API names` });
    else {
      for (const [key, value] of Object.entries(fields)) {
        if (!(key in ACCOUNT_FIELD_DEFAULTS)) errors.push({ field: `settings.accountFields.${key}`, message: `is not one of ${Object.keys(ACCOUNT_FIELD_DEFAULTS).join(', ')}` });
        else if (typeof value !== 'string' || !/^[A-Za-z][\w.]*$/.test(value)) errors.push({ field: `settings.accountFields.${key}`, message: 'must be a field API name such as Owner_Email__c' });
      }
    }
  }
  return errors;
}

/* ----------------------------------------------------------------- records */

type Change = 'create' | 'update' | 'delete' | 'undelete' | 'snapshot';

interface SfRecord {
  objectType: string;
  recordId: string;
  fields: Json;
  change: Change;
  /** CDC: the fields that changed (LastModifiedDate and SystemModstamp left out). */
  changed?: Set<string>;
  /** The delivery's id for this record: notification id, or CDC transaction key and sequence. */
  deliveryId: string;
  /** When the change happened (commit timestamp, LastModifiedDate), else receipt. */
  time: string;
  instanceUrl?: string;
}

/** A field by API name; `Owner.Email` also as a nested object (`{ Owner: { Email } }`). Salesforce's `null` and blanks are missing. */
function field(fields: Json, name: string): string | undefined {
  const scalar = (value: unknown) => (typeof value === 'boolean' ? String(value) : isObject(value) ? undefined : str(value));
  const direct = fields[name];
  if (direct !== undefined && !isObject(direct)) return scalar(direct);
  let current: unknown = fields;
  for (const part of name.split('.')) current = isObject(current) ? current[part] : undefined;
  return scalar(current);
}
const isTrue = (value: string | undefined): boolean | undefined => (value === undefined ? undefined : value.toLowerCase() === 'true');

export function mapSalesforce(payload: unknown, context: MappingContext): MapResult {
  const settings = context.settings ?? {};
  if (isObject(payload) && payload.format === 'salesforce-outbound-message' && Array.isArray(payload.notifications)) {
    const message = payload as unknown as SalesforceOutboundMessage;
    const expected = str(settings.organizationId);
    if (expected && message.organizationId?.slice(0, 15) !== expected.slice(0, 15)) {
      return invalidField('OrganizationId', `is ${message.organizationId ?? 'missing'}, not the organisation this source is for (${expected}): check the outbound message's endpoint URL`);
    }
    const records: SfRecord[] = message.notifications.map((n, i) => ({
      objectType: n.objectType ?? '',
      recordId: n.fields.Id ?? '',
      fields: n.fields,
      change: 'snapshot' as const,
      deliveryId: n.id ?? stableId('n', message.actionId, i, n.fields),
      time: '',
      instanceUrl: message.instanceUrl,
    })).map((r) => ({ ...r, time: timeIn(context, r.fields.LastModifiedDate) ?? timeIn(context, r.fields.SystemModstamp) ?? context.receivedAt.toISOString() }));
    return mapRecords(records, context);
  }
  const header = changeEventHeader(payload);
  if (header) return mapRecords(changeEventRecords(header.event, header.header, context), context);
  const relayed = restRecords(payload);
  if (relayed) {
    return mapRecords(relayed.map((r, i) => ({
      objectType: str((r.attributes as Json).type) ?? '',
      recordId: str(r.Id) ?? '',
      fields: r,
      change: 'snapshot' as const,
      deliveryId: stableId('r', r.Id, r.LastModifiedDate ?? r.SystemModstamp, i, r),
      time: timeIn(context, r.LastModifiedDate) ?? timeIn(context, r.SystemModstamp) ?? context.receivedAt.toISOString(),
      instanceUrl: /^(https:\/\/[^/]+)\//.exec(str((r.attributes as Json).url) ?? '')?.[1],
    })), context);
  }
  return invalidField('(body)', 'is not a Salesforce delivery: send an outbound message (SOAP), a change event ({ "ChangeEventHeader": … }) or records ({ "attributes": { "type": "Case" }, "Id": … })');
}

function changeEventHeader(payload: unknown): { event: Json; header: Json } | undefined {
  for (const candidate of [payload, isObject(payload) ? payload.payload : undefined, isObject(payload) && isObject(payload.data) ? payload.data.payload : undefined]) {
    if (isObject(candidate) && isObject(candidate.ChangeEventHeader)) return { event: candidate, header: candidate.ChangeEventHeader };
  }
  return undefined;
}

/** Records in the REST API's format (one, an array, or `{ records: [...] }`) when at least one names its type; the others are mapped to a reason. */
function restRecords(payload: unknown): Json[] | undefined {
  const list = Array.isArray(payload) ? payload : isObject(payload) && Array.isArray(payload.records) ? payload.records : [payload];
  const typed = list.some((r) => isObject(r) && isObject(r.attributes) && str(r.attributes.type) !== undefined);
  return typed ? list.map((r) => (isObject(r) ? { ...r, attributes: isObject(r.attributes) ? r.attributes : {} } : { attributes: {} })) : undefined;
}

function changeEventRecords(event: Json, header: Json, context: MappingContext): SfRecord[] {
  const entity = str(header.entityName) ?? '';
  const type = (str(header.changeType) ?? '').toUpperCase();
  const change: Change | undefined = ({ CREATE: 'create', UPDATE: 'update', DELETE: 'delete', UNDELETE: 'undelete' } as Record<string, Change>)[type];
  const ids = Array.isArray(header.recordIds) ? header.recordIds.map((r) => str(r)).filter((r): r is string => r !== undefined && !r.endsWith('*')) : [];
  const changedFields = Array.isArray(header.changedFields) ? header.changedFields.map((f) => str(f)).filter((f): f is string => f !== undefined) : [];
  const time = timeIn(context, header.commitTimestamp) ?? timeIn(context, event.LastModifiedDate) ?? context.receivedAt.toISOString();
  const transaction = str(header.transactionKey);
  const base = transaction ? `${transaction}-${str(header.sequenceNumber) ?? '0'}` : stableId('cdc', header, event);
  return ids.map((recordId) => ({
    objectType: entity,
    recordId,
    fields: { ...event, Id: recordId },
    change: change ?? ('unknown' as Change),
    changed: new Set(changedFields.filter((f) => f !== 'LastModifiedDate' && f !== 'SystemModstamp')),
    deliveryId: `${base}-${recordId}`,
    time,
  }));
}

function mapRecords(records: SfRecord[], context: MappingContext): MapResult {
  const events: MappedEvent[] = [];
  const reasons: string[] = [];
  if (records.length === 0) return ignored('The delivery names no records (a change event without recordIds, or an empty outbound message)');
  for (const record of records) {
    const result = mapRecord(record, context);
    events.push(...result.events);
    reasons.push(...result.ignored.map((i) => i.reason));
  }
  return mapped(events, reasons);
}

interface RecordResult { events: MappedEvent[]; ignored: IgnoredPart[] }
const none = (reason: string): RecordResult => ({ events: [], ignored: [{ reason }] });
const some = (...events: MappedEvent[]): RecordResult => ({ events, ignored: [] });

function mapRecord(record: SfRecord, context: MappingContext): RecordResult {
  if (!SALESFORCE_ID.test(record.recordId)) return none(`A ${record.objectType || 'record'} without a record Id: nothing to map`);
  if ((record.change as string) === 'unknown') return none(`${record.objectType} ${record.recordId}: a change event of a kind Forewarn does not map (gap or overflow events say changes were missed; re-sync those records)`);
  switch (record.objectType) {
    case 'Case':
      return caseRecord(record);
    case 'CaseComment':
      return caseCommentRecord(record);
    case 'Account':
      return accountRecord(record, context);
    case 'Event':
      return meetingRecord(record);
    case 'Opportunity':
      return renewalRecord(record);
    default:
      return none(`${record.objectType || 'An object'} ${record.recordId} is not an object Forewarn maps (${SALESFORCE_OBJECTS_MAPPED.join(', ')})`);
  }
}

const idOf = (record: SfRecord, ...suffix: string[]): string => eventId('sf', record.deliveryId, ...suffix);

/* ----------------------------------------------------------------- cases */

/** Case Status (standard New, Working, Escalated, Closed, and the usual custom ones) → canonical status. */
export function salesforceCaseStatus(status: unknown, isClosed?: boolean): CaseStatus | undefined {
  const label = norm(str(status));
  if (/^new$/.test(label)) return 'new';
  if (/resolv|solved/.test(label)) return 'solved';
  if (/clos|cancel/.test(label)) return 'closed';
  if (/hold/.test(label)) return 'on_hold';
  if (/wait|pending|awaiting/.test(label)) return 'pending';
  if (label) return isClosed ? 'closed' : 'open';
  return isClosed === true ? 'closed' : undefined;
}

const ESCALATED = /escalat/;

/**
 * The account of a case: `AccountId` (or a comment's `Parent.AccountId`), the contact's domain, the
 * contact. A change event carries only what changed, so without any of them the case itself names
 * the account (`externalId` `case:SF-<id>`): account-health gives the event the account of the
 * case's earlier events (same source, same case), or keeps it in the unmapped queue until one comes.
 */
function caseAccount(fields: Json, caseId: string): Json {
  return knownCaseAccount(fields) ?? { externalId: `case:${caseId}` };
}

function knownCaseAccount(fields: Json): Json | undefined {
  const accountId = field(fields, 'AccountId') ?? field(fields, 'Parent.AccountId');
  return accountRef({
    crmId: accountId,
    orgId: accountId,
    orgName: field(fields, 'Account.Name') ?? field(fields, 'Parent.Account.Name'),
    requesterEmail: email(field(fields, 'ContactEmail')) ?? email(field(fields, 'SuppliedEmail')) ?? email(field(fields, 'Contact.Email')),
    requesterId: field(fields, 'ContactId'),
  });
}

function caseRecord(record: SfRecord): RecordResult {
  const f = record.fields;
  const account = caseAccount(f, `SF-${record.recordId}`);
  const isClosed = isTrue(field(f, 'IsClosed'));
  const statusText = field(f, 'Status');
  const status = salesforceCaseStatus(statusText, isClosed);
  const escalatedFlag = isTrue(field(f, 'IsEscalated'));
  const escalationLevel = escalatedFlag || ESCALATED.test(norm(statusText)) ? 1 : escalatedFlag === false ? 0 : undefined;
  const caseId = `SF-${record.recordId}`;
  const caseData: Json & { status?: CaseStatus } = compact({
    id: caseId,
    title: field(f, 'Subject')?.slice(0, 500),
    url: record.instanceUrl ? httpUrl(`${record.instanceUrl}/${record.recordId}`) : undefined,
    severity: jiraSeverity(field(f, 'Priority')),
    status,
    escalationLevel,
    product: (field(f, 'Product__c') ?? field(f, 'Product'))?.slice(0, 200),
  });
  const base = { account, case: caseData };
  const event = (type: EventType, suffix: string, data: Json = {}, id = idOf(record, suffix)): MappedEvent => caseEvent(type, id, record.time, caseId, { ...base, ...data });
  const ownerId = field(f, 'OwnerId');
  const owner = (): MappedEvent => (ownerId && ownerId.startsWith('005')
    ? event('forewarn.case.assigned', 'owner', { assignee: compact({ id: ownerId, name: field(f, 'Owner.Name')?.slice(0, 300) }) })
    : event('forewarn.case.updated', 'owner', { reason: ownerId ? `Moved to queue ${ownerId}` : 'The case has no owner' }));
  const stateEscalation = (): MappedEvent[] => (escalationLevel ? [event('forewarn.case.escalated', 'escalated', { reason: statusText && ESCALATED.test(norm(statusText)) ? `Status ${statusText}` : 'Escalated in Salesforce' }, eventId('sf', record.recordId, 'escalated', escalationLevel))] : []);
  const customer = email(field(f, 'ContactEmail')) ?? email(field(f, 'SuppliedEmail'));
  const origin = norm(field(f, 'Origin'));

  switch (record.change) {
    case 'create':
      return some(event('forewarn.case.opened', 'opened', {
        actor: /web|email|portal|chat|community/.test(origin) ? compact({ type: 'customer', name: field(f, 'SuppliedName')?.slice(0, 300), email: customer }) : undefined,
        comment: excerpt(field(f, 'Description')) ? { public: true, excerpt: excerpt(field(f, 'Description')) } : undefined,
      }), ...stateEscalation());
    case 'delete':
      return some(event('forewarn.case.closed', 'deleted', { case: { ...caseData, status: 'closed' }, reason: 'Deleted in Salesforce' }));
    case 'undelete':
      return some(event('forewarn.case.reopened', 'undeleted', { reason: 'Restored in Salesforce' }));
    case 'update': {
      const changed = record.changed ?? new Set<string>();
      const events: MappedEvent[] = [];
      if (changed.has('Status') || changed.has('IsClosed')) {
        if (changed.has('IsClosed') && isClosed === false) events.push(event('forewarn.case.reopened', 'reopened', { reason: `Reopened (${statusText ?? 'open'})` }));
        else if (status === 'solved') events.push(event('forewarn.case.resolved', 'resolved'));
        else if (status === 'closed') events.push(event('forewarn.case.closed', 'closed'));
        else if (statusText && ESCALATED.test(norm(statusText))) events.push(event('forewarn.case.escalated', 'status', { reason: `Status ${statusText}` }));
        else events.push(event('forewarn.case.updated', 'status', { reason: statusText ? `Status → ${statusText}` : undefined }));
      }
      if (changed.has('Priority')) events.push(event('forewarn.case.priority_changed', 'priority', { reason: `Priority → ${field(f, 'Priority') ?? 'none'}` }));
      if (changed.has('OwnerId')) events.push(owner());
      if (changed.has('IsEscalated')) events.push(event(escalatedFlag ? 'forewarn.case.escalated' : 'forewarn.case.de_escalated', 'escalation', { reason: escalatedFlag ? 'Escalated in Salesforce' : 'No longer escalated' }));
      if (events.length === 0) {
        const tracked = [...changed].filter((name) => TRACKED_CASE_FIELDS.has(name));
        if (tracked.length === 0) return none(`Case ${record.recordId}: only fields Forewarn does not track changed (${[...changed].join(', ') || 'none'})`);
        events.push(event('forewarn.case.updated', 'updated', { reason: `Changed ${tracked.join(', ')}` }));
      }
      return some(...events);
    }
    case 'snapshot': {
      // An outbound message or a flow's record: the case as it is now.
      if (isTrue(field(f, 'IsDeleted'))) return some(event('forewarn.case.closed', 'deleted', { case: { ...caseData, status: 'closed' }, reason: 'Deleted in Salesforce' }));
      if (justCreated({}, field(f, 'CreatedDate'), field(f, 'LastModifiedDate'))) return caseRecord({ ...record, change: 'create' });
      const state: MappedEvent[] = [];
      if (status === 'solved' || status === 'closed') {
        state.push(event(status === 'solved' ? 'forewarn.case.resolved' : 'forewarn.case.closed', status, {}, eventId('sf', record.recordId, status, field(f, 'ClosedDate') ?? '')));
      }
      state.push(...stateEscalation());
      return some(...(state.length > 0 ? state : [event('forewarn.case.updated', 'snapshot')]));
    }
  }
}

const TRACKED_CASE_FIELDS = new Set(['Subject', 'Description', 'Type', 'Reason', 'AccountId', 'ContactId', 'Product__c', 'Origin', 'ParentId']);

function caseCommentRecord(record: SfRecord): RecordResult {
  const f = record.fields;
  const parentId = field(f, 'ParentId');
  if (!parentId) return none(`CaseComment ${record.recordId} names no ParentId (its case)`);
  if (record.change === 'delete' || (record.change === 'update' && !record.changed?.has('CommentBody'))) {
    return none(`CaseComment ${record.recordId}: Forewarn counts comments when they are written, not when they are edited or removed`);
  }
  const account = caseAccount(f, `SF-${parentId}`);
  const published = isTrue(field(f, 'IsPublished'));
  return some(caseEvent('forewarn.case.commented', eventId('sf', record.recordId, 'comment'), timeIn({}, field(f, 'CreatedDate')) ?? record.time, `SF-${parentId}`, {
    account,
    case: { id: `SF-${parentId}` },
    comment: compact({ public: published, excerpt: excerpt(field(f, 'CommentBody')) }),
  }));
}

/* ----------------------------------------------------------------- accounts */

function accountField(fields: Json, settings: Readonly<Record<string, unknown>>, key: AccountField): string | undefined {
  const configured = isObject(settings.accountFields) ? str(settings.accountFields[key]) : undefined;
  for (const name of configured ? [configured] : ACCOUNT_FIELD_DEFAULTS[key]) {
    const value = field(fields, name);
    if (value !== undefined) return value;
  }
  return undefined;
}

function accountRecord(record: SfRecord, context: MappingContext): RecordResult {
  const settings = context.settings ?? {};
  if (record.change === 'delete') return none(`Account ${record.recordId} was deleted: Forewarn keeps accounts (and their history) until an admin removes them`);
  const f = record.fields;
  const get = (key: AccountField) => accountField(f, settings, key);
  const id = get('id') ?? record.recordId;
  const name = get('name');
  const ownerEmail = email(get('ownerEmail'));
  if (!name || !ownerEmail) {
    const partial = record.change === 'update' ? ' (a change event carries only the changed fields; an upsert replaces the account, so relay the whole record)' : '';
    return none(`Account ${record.recordId} has no ${!name ? 'Name' : 'owner e-mail'}${partial}: set accountFields.${!name ? 'name' : 'ownerEmail'} to a field holding it (a formula field such as Owner.Email)`);
  }
  const website = get('domains');
  const domains = [...new Set((website ?? '').split(/[\s,;]+/).map((w) => domainOf(`x@${w.replace(/^https?:\/\//i, '').replace(/^www\./i, '').replace(/[/:].*$/, '')}`)).filter((d): d is string => d !== undefined))];
  const arr = Number(get('arr')?.replace(/[^\d.]/g, ''));
  const renewal = get('renewalDate');
  const leadEmail = email(get('leadEmail'));
  return some({
    specversion: '1.0',
    id: eventId('sf', record.deliveryId, 'account'),
    type: 'forewarn.account.upserted',
    time: record.time,
    subject: id.slice(0, 200),
    data: compact({
      id: id.slice(0, 200),
      name: name.slice(0, 300),
      domains,
      externalRefs: context.sourceName ? [{ source: context.sourceName, id: record.recordId }] : [],
      owner: compact({ email: ownerEmail, name: get('ownerName')?.slice(0, 300) }),
      team: get('team')?.slice(0, 200),
      lead: leadEmail ? compact({ email: leadEmail, name: get('leadName')?.slice(0, 300) }) : undefined,
      tier: get('tier')?.slice(0, 50),
      arr: Number.isFinite(arr) && get('arr') !== undefined && arr >= 0 ? arr : undefined,
      renewalDate: renewal && /^\d{4}-\d{2}-\d{2}$/.test(renewal) ? renewal : (renewal ? timeIn(context, renewal)?.slice(0, 10) : undefined),
      timezone: get('timezone')?.slice(0, 100),
    }),
  });
}

/* ----------------------------------------------------------------- meetings */

const meetingAccount = (f: Json): Json | undefined => {
  const accountId = field(f, 'AccountId') ?? (field(f, 'WhatId')?.startsWith('001') ? field(f, 'WhatId') : undefined);
  return accountId ? compact({ id: accountId, externalId: accountId, name: field(f, 'Account.Name')?.slice(0, 300) }) : undefined;
};

function meetingRecord(record: SfRecord): RecordResult {
  const f = record.fields;
  const account = meetingAccount(f);
  const meetingId = `sf-event-${record.recordId}`;
  if (!account) return none(`Event ${record.recordId} is not with an account (no AccountId, or a WhatId that is not an account): not a customer meeting`);
  const cancelled = record.change === 'delete' || isTrue(field(f, 'IsDeleted')) === true;
  const allDay = isTrue(field(f, 'IsAllDayEvent')) === true;
  const startsAt = timeIn({}, field(f, 'StartDateTime')) ?? (allDay ? timeIn({}, field(f, 'ActivityDate')) : undefined) ?? timeIn({}, field(f, 'ActivityDateTime'));
  const endsAt = timeIn({}, field(f, 'EndDateTime'));
  const title = field(f, 'Subject');
  const organizer = email(field(f, 'Owner.Email')) ? compact({ email: email(field(f, 'Owner.Email')), name: field(f, 'Owner.Name')?.slice(0, 300) }) : undefined;
  const meeting = compact({
    id: meetingId,
    title: title?.slice(0, 500),
    startsAt,
    endsAt,
    kind: title || field(f, 'Type') ? guessMeetingKind(`${title ?? ''} ${field(f, 'Type') ?? ''}`) : undefined,
    organizer,
  });
  const type: EventType = cancelled ? 'forewarn.meeting.cancelled' : record.change === 'create' || (record.change === 'snapshot' && justCreated({}, field(f, 'CreatedDate'), field(f, 'LastModifiedDate'))) ? 'forewarn.meeting.scheduled' : 'forewarn.meeting.updated';
  if (!cancelled && !startsAt) return none(`Event ${record.recordId} carries no StartDateTime (change events carry only changed fields: relay the whole record)`);
  return some({ specversion: '1.0', id: idOf(record, 'meeting'), type, time: record.time, subject: meetingId, data: { account, meeting } });
}

function renewalRecord(record: SfRecord): RecordResult {
  const f = record.fields;
  const label = `${field(f, 'Type') ?? ''} ${field(f, 'Name') ?? ''}`;
  const meetingId = `sf-renewal-${record.recordId}`;
  if (record.change !== 'delete' && !/renew/i.test(label)) {
    return none(`Opportunity ${record.recordId} is not a renewal (its Type or Name does not say so): only renewal dates are tracked`);
  }
  const account = meetingAccount(f);
  if (!account) return none(`Opportunity ${record.recordId} carries no AccountId (change events carry only changed fields: relay the whole record)`);
  const closed = isTrue(field(f, 'IsClosed')) === true;
  const cancelled = record.change === 'delete' || closed;
  const closeDate = field(f, 'CloseDate');
  const startsAt = closeDate && /^\d{4}-\d{2}-\d{2}$/.test(closeDate) ? `${closeDate}T00:00:00.000Z` : timeIn({}, closeDate);
  if (!cancelled && !startsAt) return none(`Opportunity ${record.recordId} carries no CloseDate, the renewal date`);
  const type: EventType = cancelled ? 'forewarn.meeting.cancelled' : record.change === 'update' ? 'forewarn.meeting.updated' : 'forewarn.meeting.scheduled';
  return some({
    specversion: '1.0',
    id: idOf(record, 'renewal'),
    type,
    time: record.time,
    subject: meetingId,
    data: {
      account,
      meeting: compact({ id: meetingId, title: `Renewal: ${field(f, 'Name') ?? record.recordId}`.slice(0, 500), startsAt, kind: 'renewal' }),
    },
  });
}

