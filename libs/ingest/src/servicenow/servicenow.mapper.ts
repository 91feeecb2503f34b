import type { CaseStatus, EventType } from '@forewarn/contracts';
import { z } from 'zod';
import {
  accountRef, at, caseEvent, compact, email, eventId, excerpt, firstStr, httpUrl, ignored, int, invalid, invalidField, isDone, isObject,
  type Json, mapped, norm, stableId, str, toIsoTime, zodFieldErrors,
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

const fieldSchema = z.union([z.object({ value: z.unknown() }).passthrough(), z.string(), z.number(), z.null()]).optional();
const payloadSchema = z.object({
  event: z.enum(['record', 'sla_breached', 'survey'], { errorMap: () => ({ message: 'must be one of record, sla_breached, survey' }) }).optional(),
  table: z.string().min(1),
  operation: z.enum(['insert', 'update', 'delete'], { errorMap: () => ({ message: 'must be one of insert, update, delete' }) }).optional(),
  sys_id: z.string().regex(/^[0-9a-f]{32}$/i, 'must be a 32-character ServiceNow sys_id'),
  number: z.string().min(1),
  sys_mod_count: z.union([z.number().int(), z.string().regex(/^\d+$/)]).optional(),
  state: fieldSchema,
  priority: fieldSchema,
  escalation: fieldSchema,
  assigned_to: fieldSchema,
  changed: z.array(z.string()).optional(),
});

interface Field { value?: string; display?: string; previous?: string; previousDisplay?: string; changed: boolean }

export function mapServiceNow(payload: unknown, context: MappingContext): MapResult {
  if (!isObject(payload)) return invalidField('(body)', 'must be a JSON object');
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) return invalid(zodFieldErrors(parsed.error));
  const { table, sys_id: sysId, number } = parsed.data;
  const kind = parsed.data.event ?? 'record';
  const operation = parsed.data.operation ?? 'update';
  const changed = new Set((parsed.data.changed ?? []).map((f) => f.toLowerCase()));
  const field = (name: string): Field => {
    const raw = payload[name];
    if (!isObject(raw)) return { value: str(raw), changed: changed.has(name) };
    const f: Field = { value: str(raw.value), display: str(raw.display), previous: str(raw.previous), previousDisplay: str(raw.previous_display), changed: changed.has(name) };
    // Without a `changed` list, a previous value that differs is the change.
    if (!parsed.data.changed && raw.previous !== undefined && f.previous !== f.value) f.changed = true;
    return f;
  };
  const state = field('state');
  const priority = field('priority');
  const escalation = field('escalation');
  const assignedTo = field('assigned_to');

  const account = accountRef({
    orgId: firstStr(payload, 'account.number', 'account.sys_id', 'company.sys_id'),
    orgName: firstStr(payload, 'account.name', 'company.name'),
    requesterEmail: email(at(payload, 'contact.email') ?? at(payload, 'caller.email')),
    requesterId: firstStr(payload, 'contact.sys_id', 'caller.sys_id'),
  });
  if (!account) return invalidField('contact.email', 'is required to tell which account the record is about (or account.sys_id)');

  const status = serviceNowStatus(table, state.value, state.display);
  const escalationLevel = int(escalation.value);
  const caseData = compact({
    id: number.slice(0, 200),
    title: str(payload.short_description)?.slice(0, 500),
    url: httpUrl(payload.url),
    severity: serviceNowSeverity(priority.value, priority.display),
    status,
    escalationLevel: escalationLevel !== undefined && escalationLevel >= 0 && escalationLevel <= 3 ? escalationLevel : undefined,
    product: firstStr(payload, 'product.name', 'product', 'cmdb_ci.name')?.slice(0, 200),
  });
  const updatedBy = isObject(payload.updated_by) ? payload.updated_by : {};
  const actorType = updatedBy.is_customer === true ? 'customer' : str(updatedBy.user_name) === 'system' ? 'system' : str(updatedBy.name) || str(updatedBy.user_name) ? 'agent' : undefined;
  const actor = actorType ? compact({ type: actorType, name: str(updatedBy.name)?.slice(0, 300), email: email(updatedBy.email) }) : undefined;
  const time = toIsoTime(payload.sys_updated_on) ?? context.receivedAt.toISOString();
  const modCount = str(parsed.data.sys_mod_count) ?? stableId('m', payload.sys_updated_on, state, priority, escalation, assignedTo, payload.comments, payload.work_notes);
  const base = { account, case: caseData, actor };
  const event = (type: EventType, suffix: string, data: Json = {}, id = eventId('sn', sysId, modCount, suffix)): MappedEvent =>
    caseEvent(type, id, time, number, { ...base, ...data });

  if (kind === 'sla_breached') {
    const slaName = firstStr(payload, 'sla.name', 'sla.sla.display') ?? 'SLA';
    const slaId = firstStr(payload, 'sla.sys_id') ?? slaName;
    return mapped([event('forewarn.case.sla_breached', 'sla', { actor: { type: 'system' }, reason: `SLA "${slaName}" breached` }, eventId('sn', sysId, 'sla', slaId))]);
  }
  if (kind === 'survey') {
    const survey = isObject(payload.survey) ? payload.survey : undefined;
    const score = int(survey?.score);
    if (!survey || score === undefined) return invalidField('survey.score', 'is required for a survey event');
    const scale = int(survey.scale) ?? 5;
    const nps = norm(str(survey.kind)) === 'nps' || scale === 10;
    const normalised = nps ? score : scale === 5 ? score : Math.max(1, Math.min(5, Math.round((score / scale) * 5)));
    const surveyId = firstStr(survey, 'instance', 'sys_id') ?? stableId('s', score, survey.comment);
    return mapped([caseEvent('forewarn.survey.responded', eventId('sn', sysId, 'survey', surveyId), toIsoTime(survey.taken_on) ?? time, number, {
      ...base,
      actor: actor ?? { type: 'customer' },
      survey: compact({ kind: nps ? 'nps' : 'csat', score: normalised, comment: str(survey.comment)?.slice(0, 5000) }),
    })]);
  }

  if (operation === 'insert') return mapped([event('forewarn.case.opened', 'opened', { comment: commentOf(payload) })]);
  if (operation === 'delete') return mapped([event('forewarn.case.closed', 'deleted', { case: { ...caseData, status: 'closed' }, reason: `The ${table} record was deleted in ServiceNow` })]);

  const events: MappedEvent[] = [];
  if (state.changed) {
    const previous = serviceNowStatus(table, state.previous, state.previousDisplay);
    if (status === 'solved' && previous !== 'solved') {
      // A resolved case or incident is a proposed solution: the customer may still accept or reject it.
      const notes = excerpt(payload.close_notes, 2000);
      events.push(event('forewarn.case.resolution_proposed', 'proposed', { reason: notes }));
      events.push(event('forewarn.case.resolved', 'resolved', { reason: notes }));
    } else if (status === 'closed' && previous !== 'closed') {
      events.push(event('forewarn.case.closed', 'closed', { reason: excerpt(payload.close_notes, 2000) }));
    } else if (isDone(previous) && !isDone(status)) {
      events.push(event('forewarn.case.reopened', 'reopened', { reason: `Reopened (was ${state.previousDisplay ?? previous})` }));
      if (actorType === 'customer') {
        events.push(event('forewarn.case.resolution_rejected', 'rejected', { reason: excerpt(payload.comments, 2000) ?? 'The customer rejected the proposed solution' }));
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
  if (changed.has('comments') && excerpt(payload.comments)) {
    events.push(event('forewarn.case.commented', 'comment', { comment: { public: true, excerpt: excerpt(payload.comments) } }));
  }
  if (changed.has('work_notes') && excerpt(payload.work_notes)) {
    events.push(event('forewarn.case.commented', 'work-note', { actor: actor ? { ...actor, type: actor.type === 'customer' ? 'agent' : actor.type } : { type: 'agent' }, comment: { public: false, excerpt: excerpt(payload.work_notes) } }));
  }
  if (events.length === 0) {
    const tracked = [...changed].filter((f) => TRACKED_UPDATES.has(f));
    if (tracked.length === 0) return ignored(changed.size > 0 ? `Only fields Forewarn does not track changed (${[...changed].join(', ')})` : 'The update changed nothing Forewarn tracks (no "changed" fields)');
    events.push(event('forewarn.case.updated', 'updated', { reason: `Changed ${tracked.join(', ')}` }));
  }
  return mapped(events);
}

const TRACKED_UPDATES = new Set(['short_description', 'description', 'impact', 'urgency', 'category', 'subcategory', 'product', 'cmdb_ci', 'account', 'contact', 'caller_id', 'assignment_group', 'hold_reason', 'due_date']);

function commentOf(payload: Json): Json | undefined {
  const text = excerpt(payload.comments) ?? excerpt(payload.description);
  return text ? { public: true, excerpt: text } : undefined;
}
