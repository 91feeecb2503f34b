import type { CaseStatus, EventType } from '@forewarn/contracts';
import {
  accountRef, at, caseEvent, compact, email, eventId, eventTime, excerpt, firstStr, httpUrl, ignored, int, invalidField, isDone, isObject,
  type Json, mapped, norm, stableId, str, timeIn,
} from '../common';
import type { MappedEvent, MapResult, MappingContext } from '../types';

/**
 * ServiceNow → canonical events. ServiceNow has no webhook format of its own: an outbound REST
 * message from a business rule sends what the rule builds. docs/servicenow-business-rule.md has
 * the recommended script; this mapper accepts what it sends:
 *
 * `{ event: "record" | "sla_breached" | "survey", table, operation: insert|update|delete, sys_id,
 *    number, sys_updated_on, sys_mod_count, state|priority|escalation|assigned_to: { value, display,
 *    previous, previous_display }, changed: [fields], comments, work_notes, account, contact,
 *    updated_by: { name, email, is_customer }, close_notes, sla, survey }`
 *
 * Works for incidents and for Customer Service Management cases (`sn_customerservice_case`),
 * whose state codes differ (CSM: 1 New, 10 Open, 18 Awaiting Info, 6 Resolved = solution
 * proposed, 3 Closed, 7 Cancelled; incident: 1 New, 2 In Progress, 3 On Hold, 6 Resolved, 7 Closed, 8 Canceled).
 */
const INCIDENT_STATES: Record<number, CaseStatus> = { 1: 'new', 2: 'open', 3: 'on_hold', 6: 'solved', 7: 'closed', 8: 'closed' };
const CASE_STATES: Record<number, CaseStatus> = { 1: 'new', 10: 'open', 18: 'pending', 6: 'solved', 3: 'closed', 7: 'closed' };

const isCaseTable = (table: string | undefined): boolean => /case/.test(norm(table));

/** A ServiceNow state (code, with the table deciding which code list, or display value) → canonical status. */
export function serviceNowStatus(table: string | undefined, value: unknown, display?: unknown): CaseStatus | undefined {
  const code = int(value);
  const byCode = code === undefined ? undefined : (isCaseTable(table) ? CASE_STATES : INCIDENT_STATES)[code];
  if (byCode) return byCode;
  const label = norm(str(display) ?? (code === undefined ? str(value) : undefined));
  if (!label) return undefined;
  if (/resolv/.test(label)) return 'solved';
  if (/clos|cancel/.test(label)) return 'closed';
  if (/hold/.test(label)) return 'on_hold';
  if (/await|pending|waiting/.test(label)) return 'pending';
  if (/^new/.test(label)) return 'new';
  return 'open';
}

/** Priority 1 Critical, 2 High, 3 Moderate, 4 Low, 5 Planning → severity 1 … 4. */
export function serviceNowSeverity(value: unknown, display?: unknown): number | undefined {
  const code = int(value) ?? int(/^\s*(\d)/.exec(str(display) ?? '')?.[1]);
  return code !== undefined && code >= 1 && code <= 5 ? Math.min(code, 4) : undefined;
}

interface Field { value?: string; display?: string; previous?: string; previousDisplay?: string; changed: boolean }

/** ServiceNow tables by number prefix, for Table API records that do not name their table. */
const TABLE_BY_PREFIX: [RegExp, string][] = [[/^INC/, 'incident'], [/^CS/, 'sn_customerservice_case'], [/^(RITM|REQ)/, 'sc_req_item'], [/^PRB/, 'problem'], [/^CHG/, 'change_request']];

/**
 * A record as business rules post it: Forewarn's script (docs/servicenow-business-rule.md), or a
 * Table API record (`{ "result": { … } }` or the record itself, each field a string, `{ value, link }`
 * or, with `sysparm_display_value=all`, `{ display_value, value }`; dot-walked fields such as
 * `caller_id.email` as keys of their own).
 */
function recordOf(payload: Json): Json {
  if (isObject(payload.result) && !Array.isArray(payload.result) && payload.sys_id === undefined) return payload.result;
  if (Array.isArray(payload.result) && isObject(payload.result[0]) && payload.sys_id === undefined) return payload.result[0];
  if (isObject(payload.record) && payload.sys_id === undefined) return { ...payload, ...payload.record };
  return payload;
}

/** The value of a field in any of the shapes above (`dotted` also tries the literal dotted key). */
const valueAt = (record: Json, path: string): string | undefined => {
  const direct = record[path];
  if (direct !== undefined) return isObject(direct) ? str(direct.value) ?? str(direct.display_value) ?? str(direct.display) : str(direct);
  const v = at(record, path);
  return isObject(v) ? str(v.value) ?? str(v.display_value) : str(v);
};

export function mapServiceNow(payload: unknown, context: MappingContext): MapResult {
  if (!isObject(payload)) return invalidField('(body)', 'must be a JSON object');
  const record = recordOf(payload);
  const sysId = valueAt(record, 'sys_id');
  if (!sysId || !/^[0-9a-f]{32}$/i.test(sysId)) return invalidField('sys_id', 'must be a 32-character ServiceNow sys_id: this is not a ServiceNow record');
  const reasons: string[] = [];
  const number = valueAt(record, 'number')?.slice(0, 200) ?? `SN-${sysId}`;
  const table = str(record.table) ?? valueAt(record, 'sys_class_name') ?? TABLE_BY_PREFIX.find(([prefix]) => prefix.test(number))?.[1] ?? 'task';
  const eventText = str(record.event);
  const kind = eventText === 'sla_breached' || eventText === 'survey' || eventText === 'record' ? eventText : 'record';
  if (eventText && kind === 'record' && eventText !== 'record') reasons.push(`"event": "${eventText}" is not record, sla_breached or survey; read as a record`);
  const operationText = str(record.operation);
  const modCountText = valueAt(record, 'sys_mod_count');
  const operation = operationText === 'insert' || operationText === 'update' || operationText === 'delete'
    ? operationText
    : operationText === undefined && modCountText === '0' ? 'insert' : 'update';
  if (operationText && operationText !== operation) reasons.push(`"operation": "${operationText}" is not insert, update or delete; read as an update`);
  const changedList = Array.isArray(record.changed) ? record.changed.map((f) => str(f)).filter((f): f is string => f !== undefined) : undefined;
  const changed = new Set((changedList ?? []).map((f) => f.toLowerCase()));
  const field = (name: string): Field => {
    const raw = record[name];
    if (!isObject(raw)) return { value: str(raw), changed: changed.has(name) };
    const f: Field = {
      value: str(raw.value) ?? (raw.display_value !== undefined && raw.value === undefined ? str(raw.display_value) : undefined),
      display: str(raw.display) ?? str(raw.display_value),
      previous: str(raw.previous),
      previousDisplay: str(raw.previous_display),
      changed: changed.has(name),
    };
    // Without a `changed` list, a previous value that differs is the change.
    if (!changedList && raw.previous !== undefined && f.previous !== f.value) f.changed = true;
    return f;
  };
  const state = field('state');
  const priority = field('priority');
  const escalation = field('escalation');
  const assignedTo = field('assigned_to');

  const account = accountRef({
    orgId: firstStr(record, 'account.number', 'account.sys_id') ?? valueAt(record, 'account') ?? firstStr(record, 'company.sys_id') ?? valueAt(record, 'company'),
    orgName: firstStr(record, 'account.name', 'company.name') ?? str(at(record, 'account.display_value')) ?? str(at(record, 'company.display_value')),
    requesterEmail: email(valueAt(record, 'contact.email') ?? valueAt(record, 'caller.email') ?? valueAt(record, 'caller_id.email') ?? valueAt(record, 'opened_by.email')),
    requesterId: firstStr(record, 'contact.sys_id', 'caller.sys_id') ?? valueAt(record, 'contact') ?? valueAt(record, 'caller_id'),
  });
  if (!account) return ignored(`${number} names no account, company or contact (account, company, contact.email, caller_id), so no account can be told`);

  const status = serviceNowStatus(table, state.value, state.display);
  const escalationLevel = int(escalation.value);
  const caseData = compact({
    id: number,
    title: valueAt(record, 'short_description')?.slice(0, 500),
    url: httpUrl(record.url) ?? recordUrl(record, table, sysId),
    severity: serviceNowSeverity(priority.value, priority.display),
    status,
    escalationLevel: escalationLevel !== undefined && escalationLevel >= 0 && escalationLevel <= 3 ? escalationLevel : undefined,
    product: firstStr(record, 'product.name', 'cmdb_ci.name')?.slice(0, 200) ?? str(at(record, 'product.display_value')) ?? (isObject(record.product) ? undefined : str(record.product)?.slice(0, 200)),
  });
  const updatedBy = isObject(record.updated_by) ? record.updated_by : {};
  const actorType = updatedBy.is_customer === true ? 'customer' : str(updatedBy.user_name) === 'system' ? 'system' : str(updatedBy.name) || str(updatedBy.user_name) ? 'agent' : undefined;
  const actor = actorType ? compact({ type: actorType, name: str(updatedBy.name)?.slice(0, 300), email: email(updatedBy.email) }) : undefined;
  const updatedOn = valueAt(record, 'sys_updated_on');
  const time = eventTime(context, updatedOn, operation === 'insert' ? valueAt(record, 'sys_created_on') : undefined);
  const modCount = modCountText && /^\d+$/.test(modCountText) ? modCountText : stableId('m', updatedOn, state, priority, escalation, assignedTo, record.comments, record.work_notes);
  const base = { account, case: caseData, actor };
  const event = (type: EventType, suffix: string, data: Json = {}, id = eventId('sn', sysId, modCount, suffix)): MappedEvent =>
    caseEvent(type, id, time, number, { ...base, ...data });
  const done = (events: MappedEvent[], ...more: string[]): MapResult => mapped(events, [...reasons, ...more]);
  const hasPrevious = ['state', 'priority', 'escalation', 'assigned_to'].some((name) => isObject(record[name]) && (record[name] as Json).previous !== undefined);

  if (kind === 'sla_breached') {
    const slaName = firstStr(record, 'sla.name', 'sla.sla.display') ?? 'SLA';
    const slaId = firstStr(record, 'sla.sys_id') ?? slaName;
    return done([event('forewarn.case.sla_breached', 'sla', { actor: { type: 'system' }, reason: `SLA "${slaName}" breached` }, eventId('sn', sysId, 'sla', slaId))]);
  }
  if (kind === 'survey') {
    const survey = isObject(record.survey) ? record.survey : undefined;
    const score = int(survey?.score);
    if (!survey || score === undefined) return ignored(...reasons, 'A survey delivery without survey.score: nothing to record');
    const scale = int(survey.scale) ?? 5;
    const nps = norm(str(survey.kind)) === 'nps' || scale === 10;
    const normalised = nps ? score : scale === 5 ? score : Math.max(1, Math.min(5, Math.round((score / scale) * 5)));
    const surveyId = firstStr(survey, 'instance', 'sys_id') ?? stableId('s', score, survey.comment);
    return done([caseEvent('forewarn.survey.responded', eventId('sn', sysId, 'survey', surveyId), timeIn(context, survey.taken_on) ?? time, number, {
      ...base,
      actor: actor ?? { type: 'customer' },
      survey: compact({ kind: nps ? 'nps' : 'csat', score: normalised, comment: str(survey.comment)?.slice(0, 5000) }),
    })]);
  }

  if (operation === 'insert') return done([event('forewarn.case.opened', 'opened', { comment: commentOf(record) })]);
  if (operation === 'delete') return done([event('forewarn.case.closed', 'deleted', { case: { ...caseData, status: 'closed' }, reason: `The ${table} record was deleted in ServiceNow` })]);

  const events: MappedEvent[] = [];
  if (state.changed) {
    const previous = serviceNowStatus(table, state.previous, state.previousDisplay);
    if (status === 'solved' && previous !== 'solved') {
      // A resolved case or incident is a proposed solution: the customer may still accept or reject it.
      const notes = excerpt(valueAt(record, 'close_notes'), 2000);
      events.push(event('forewarn.case.resolution_proposed', 'proposed', { reason: notes }));
      events.push(event('forewarn.case.resolved', 'resolved', { reason: notes }));
    } else if (status === 'closed' && previous !== 'closed') {
      events.push(event('forewarn.case.closed', 'closed', { reason: excerpt(valueAt(record, 'close_notes'), 2000) }));
    } else if (isDone(previous) && !isDone(status)) {
      events.push(event('forewarn.case.reopened', 'reopened', { reason: `Reopened (was ${state.previousDisplay ?? previous})` }));
      if (actorType === 'customer') {
        events.push(event('forewarn.case.resolution_rejected', 'rejected', { reason: excerpt(valueAt(record, 'comments'), 2000) ?? 'The customer rejected the proposed solution' }));
      }
    } else {
      events.push(event('forewarn.case.updated', 'state', { reason: `State ${state.previousDisplay ?? state.previous ?? '?'} → ${state.display ?? state.value ?? '?'}` }));
    }
  }
  if (priority.changed) {
    events.push(event('forewarn.case.priority_changed', 'priority', { reason: `Priority ${priority.previousDisplay ?? priority.previous ?? '?'} → ${priority.display ?? priority.value ?? '?'}` }));
  }
  if (escalation.changed) {
    const before = int(escalation.previous) ?? 0;
    const after = int(escalation.value) ?? 0;
    if (after > before) events.push(event('forewarn.case.escalated', 'escalated', { reason: `Escalation ${escalation.previousDisplay ?? before} → ${escalation.display ?? after}` }));
    else if (after < before) events.push(event('forewarn.case.de_escalated', 'de-escalated', { reason: `Escalation ${escalation.previousDisplay ?? before} → ${escalation.display ?? after}` }));
  }
  if (assignedTo.changed) {
    if (assignedTo.value || assignedTo.display) events.push(event('forewarn.case.assigned', 'assigned', { assignee: compact({ id: assignedTo.value?.slice(0, 200), name: assignedTo.display?.slice(0, 300) }) }));
    else events.push(event('forewarn.case.updated', 'unassigned', { reason: 'The record was unassigned' }));
  }
  if (changed.has('comments') && excerpt(valueAt(record, 'comments'))) {
    events.push(event('forewarn.case.commented', 'comment', { comment: { public: true, excerpt: excerpt(valueAt(record, 'comments')) } }));
  }
  if (changed.has('work_notes') && excerpt(valueAt(record, 'work_notes'))) {
    events.push(event('forewarn.case.commented', 'work-note', { actor: actor ? { ...actor, type: actor.type === 'customer' ? 'agent' : actor.type } : { type: 'agent' }, comment: { public: false, excerpt: excerpt(valueAt(record, 'work_notes')) } }));
  }
  if (events.length === 0) {
    const tracked = [...changed].filter((f) => TRACKED_UPDATES.has(f));
    if (tracked.length > 0) events.push(event('forewarn.case.updated', 'updated', { reason: `Changed ${tracked.join(', ')}` }));
    else if (changedList || hasPrevious) return ignored(...reasons, changed.size > 0 ? `Only fields Forewarn does not track changed (${[...changed].join(', ')})` : 'The update changed nothing Forewarn tracks (no "changed" fields)');
    else return done(snapshotEvents(record, sysId, status, escalationLevel, event));
  }
  return done(events);
}

const TRACKED_UPDATES = new Set(['short_description', 'description', 'impact', 'urgency', 'category', 'subcategory', 'product', 'cmdb_ci', 'account', 'contact', 'caller_id', 'assignment_group', 'hold_reason', 'due_date']);

function commentOf(record: Json): Json | undefined {
  const text = excerpt(valueAt(record, 'comments')) ?? excerpt(valueAt(record, 'description'));
  return text ? { public: true, excerpt: text } : undefined;
}

/** `https://<instance>/nav_to.do?uri=<table>.do?sys_id=…` from a Table API field's `link`, when the record carries none. */
function recordUrl(record: Json, table: string, sysId: string): string | undefined {
  for (const value of Object.values(record)) {
    const link = isObject(value) ? str(value.link) : undefined;
    const origin = link ? /^(https:\/\/[a-z0-9-]+\.service-now\.com)\//i.exec(link)?.[1] : undefined;
    if (origin) return httpUrl(`${origin}/nav_to.do?uri=${table}.do?sys_id=${sysId}`);
  }
  return undefined;
}

/**
 * A record posted without a `changed` list or previous values (a Table API record from a rule that
 * sends `current`): the record as it is now. A resolved or closed state and an escalation are
 * facts of that state, with ids derived from it, so posting the same record again counts once.
 */
function snapshotEvents(record: Json, sysId: string, status: CaseStatus | undefined, level: number | undefined, event: (type: EventType, suffix: string, data?: Json, id?: string) => MappedEvent): MappedEvent[] {
  const events: MappedEvent[] = [];
  if (status === 'solved') events.push(event('forewarn.case.resolved', 'resolved', { reason: excerpt(valueAt(record, 'close_notes'), 2000) }, eventId('sn', sysId, 'resolved', valueAt(record, 'resolved_at') ?? '')));
  else if (status === 'closed') events.push(event('forewarn.case.closed', 'closed', { reason: excerpt(valueAt(record, 'close_notes'), 2000) }, eventId('sn', sysId, 'closed', valueAt(record, 'closed_at') ?? '')));
  if (level !== undefined && level > 0) events.push(event('forewarn.case.escalated', 'escalated', { reason: `Escalation ${level}` }, eventId('sn', sysId, 'escalation', level)));
  if (events.length === 0) events.push(event('forewarn.case.updated', 'snapshot'));
  return events;
}
