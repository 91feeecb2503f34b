import type { CaseStatus, EventType } from '@forewarn/contracts';
import {
  accountRef, caseEvent, compact, csatScore, email, eventTime, excerpt, firstStr, httpUrl, ignored, int, invalidField, isDone, isObject, type Json,
  justCreated, mapped, norm, stableId, str,
} from '../common';
import { escalationFromTags, tagList } from '../escalation';
import type { MappedEvent, MapResult, MappingContext } from '../types';

/**
 * Freshdesk automation-rule webhooks → canonical events. Freshdesk signs nothing, so these are
 * authenticated by the source's api key (Basic with the key as user name, bearer, or `?token=`).
 *
 * Accepted bodies: the simple form (`{ "freshdesk_webhook": { "ticket_id": …, "ticket_status": … } }`),
 * Forewarn's advanced JSON template (libs/ingest/README.md) and custom templates with `ticket.*` keys.
 * Status and priority come as names (`{{ticket.status}}`) or as Freshdesk's numeric codes (status
 * 2 open, 3 pending, 4 resolved, 5 closed, 6+ custom; priority 1 low … 4 urgent). What happened is
 * read from `{{triggered_event}}`: `{ticket_action:created}`, `{status:{from:2,to:4}}`,
 * `{priority:{from:1,to:4}}`, `{responder_id:{from:…,to:…}}`, `{note_type:public}`, `{reply_sent:sent}`,
 * `{customer_reply:…}`, `{customer_feedback:…}`. When it renders empty, is absent or unreadable,
 * the delivery is a snapshot of the ticket (a rule "ticket is created" in simple mode, whose
 * created and modified times agree, is an opening). Times are read as Freshdesk renders them, in
 * the source's `timezone` setting when they carry no offset.
 */
const STATUS_CODES: Record<number, CaseStatus> = { 2: 'open', 3: 'pending', 4: 'solved', 5: 'closed' };
const STATUS_NAMES: Record<string, CaseStatus> = {
  open: 'open', pending: 'pending', resolved: 'solved', closed: 'closed', 'waiting on customer': 'pending', 'waiting on third party': 'on_hold',
  'on hold': 'on_hold', new: 'new',
};

/** Freshdesk status (code or name) → canonical status; custom statuses (6+) are open unless their name says otherwise. */
export function freshdeskStatus(value: unknown, name?: unknown): CaseStatus | undefined {
  const code = int(value);
  if (code !== undefined) return STATUS_CODES[code] ?? STATUS_NAMES[norm(str(name))] ?? (code >= 6 ? 'open' : undefined);
  return STATUS_NAMES[norm(str(value))] ?? (str(value) ? 'open' : undefined);
}

const PRIORITY_NAMES: Record<string, number> = { low: 1, medium: 2, high: 3, urgent: 4 };

/** Freshdesk priority 1 low … 4 urgent (code or name) → severity 4 … 1. */
export function freshdeskSeverity(value: unknown): number | undefined {
  const code = int(value) ?? PRIORITY_NAMES[norm(str(value))];
  return code !== undefined && code >= 1 && code <= 4 ? 5 - code : undefined;
}

export interface TriggeredEvent { name: string; value?: string; from?: string; to?: string }

/** `{status:{from:2,to:4}}` → { name: 'status', from: '2', to: '4' }; `{ticket_action:created}` → { name: 'ticket_action', value: 'created' }. */
export function parseTriggeredEvent(text: string | undefined): TriggeredEvent | undefined {
  if (!text) return undefined;
  const change = /^\{\s*"?([\w ]+)"?\s*:\s*\{\s*"?from"?\s*:\s*"?([^,}"]*)"?\s*,\s*"?to"?\s*:\s*"?([^}"]*)"?\s*\}\s*\}$/.exec(text.trim());
  if (change) return { name: norm(change[1]).replace(/ /g, '_'), from: change[2].trim(), to: change[3].trim() };
  const simple = /^\{\s*"?([\w ]+)"?\s*:\s*"?([^}"]*)"?\s*\}$/.exec(text.trim());
  if (simple) return { name: norm(simple[1]).replace(/ /g, '_'), value: simple[2].trim() };
  return undefined;
}

/** Where templates put the ticket's modification and creation times ({{ticket.modified_on}}, `updated_at` of the API). */
const UPDATED_KEYS = ['ticket_updated_at', 'ticket_modified_on', 'ticket_modified_at', 'updated_at', 'modified_on', 'ticket.updated_at', 'ticket.modified_on'];
const CREATED_KEYS = ['ticket_created_at', 'ticket_created_on', 'created_at', 'created_on', 'ticket.created_at', 'ticket.created_on'];

export function mapFreshdesk(payload: unknown, context: MappingContext): MapResult {
  if (!isObject(payload)) return invalidField('(body)', 'must be a JSON object');
  const wrapped = isObject(payload.freshdesk_webhook);
  const body: Json = wrapped ? (payload.freshdesk_webhook as Json) : payload;
  const prefix = wrapped ? 'freshdesk_webhook.' : '';
  const get = (...keys: string[]) => firstStr(body, ...keys);
  const ticketId = get('ticket_id', 'ticket.id', 'id', 'ticket_display_id');
  if (!ticketId) return invalidField(`${prefix}ticket_id`, 'is required');
  if (!/^\d+$/.test(ticketId)) return invalidField(`${prefix}ticket_id`, 'must be a Freshdesk ticket number');

  const triggeredText = get('triggered_event', 'ticket_triggered_event', 'ticket.triggered_event', 'event');
  const triggered = parseTriggeredEvent(triggeredText);
  const reasons: string[] = [];
  if (triggeredText && !triggered) reasons.push(`${prefix}triggered_event "${triggeredText.slice(0, 100)}" is not {ticket_action:…} or {field:{from:…,to:…}}; the ticket was read as it is now`);

  const requesterEmail = email(get('requester_email', 'ticket_contact_email', 'ticket_requester_email', 'ticket.requester.email', 'contact_email'));
  const account = accountRef({
    orgId: get('company_id', 'ticket_company_id', 'ticket.company.id'),
    orgName: get('company_name', 'ticket_company_name', 'ticket.company.name'),
    requesterEmail,
    requesterId: get('requester_id', 'ticket.requester_id', 'ticket.requester.id'),
  });
  if (!account) return ignored(`Ticket ${ticketId} names no requester or company ({{ticket.requester.email}}, {{ticket.company.id}}), so no account can be told`);

  const statusValue = body.ticket_status ?? (isObject(body.ticket) ? body.ticket.status : undefined) ?? body.status;
  const status = freshdeskStatus(statusValue);
  const priorityValue = body.ticket_priority ?? (isObject(body.ticket) ? body.ticket.priority : undefined) ?? body.priority;
  const tags = tagList(body.ticket_tags ?? (isObject(body.ticket) ? body.ticket.tags : undefined) ?? body.tags);
  const caseData = compact({
    id: `FD-${ticketId}`,
    title: get('ticket_subject', 'ticket.subject', 'subject')?.slice(0, 500),
    url: httpUrl(get('ticket_url', 'ticket.url', 'url')),
    severity: freshdeskSeverity(priorityValue),
    status,
    escalationLevel: escalationFromTags(tags),
    product: get('ticket_product', 'ticket.product', 'product')?.slice(0, 200),
  });
  const agent = compact({ id: get('responder_id', 'agent_id', 'ticket.responder_id', 'ticket.agent.id'), name: get('agent_name', 'ticket_agent_name', 'ticket.agent.name')?.slice(0, 300) });
  const agentEmail = email(get('agent_email', 'ticket_agent_email', 'ticket.agent.email'));
  const requesterName = get('requester_name', 'ticket_contact_name', 'ticket_requester_name', 'ticket.requester.name')?.slice(0, 300);
  const customer = compact({ type: 'customer', name: requesterName, email: requesterEmail });
  const agentActor = agent.name || agentEmail ? compact({ type: 'agent', name: agent.name, email: agentEmail }) : { type: 'agent' };
  const publicComment = excerpt(get('latest_public_comment', 'ticket_latest_public_comment', 'ticket.latest_public_comment'));
  const privateComment = excerpt(get('latest_private_comment', 'ticket_latest_private_comment', 'ticket.latest_private_comment'));
  // The rating from a field of a custom template, or else the one the trigger itself names ({customer_feedback:Extremely happy}).
  const feedback = triggered && (triggered.name === 'customer_feedback' || triggered.name === 'satisfaction_rating') ? (triggered.value ?? triggered.to) : undefined;
  const rating = csatScore(body.satisfaction_rating ?? body.survey_rating ?? body.ticket_satisfaction_rating ?? (isObject(body.satisfaction) ? body.satisfaction.rating : undefined))
    ?? csatScore(feedback);
  const ratingComment = get('satisfaction_comment', 'survey_comment', 'satisfaction.comment');
  const updatedAt = get(...UPDATED_KEYS);
  const createdAt = get(...CREATED_KEYS);
  // The modification time; the creation time only dates an opening.
  const time = eventTime(context, updatedAt);
  const openedAt = eventTime(context, updatedAt, createdAt);
  // Freshdesk has no event id: the delivery's content is the identity, so a retry is the same event.
  const delivery = stableId('fd', ticketId, triggeredText, statusValue, priorityValue, agent, tags, publicComment, privateComment, rating, ratingComment, updatedAt);
  const base = { account, case: caseData };
  const event = (type: EventType, suffix = '', data: Json = {}): MappedEvent => caseEvent(type, `${delivery}${suffix}`, time, `FD-${ticketId}`, { ...base, ...data });

  const survey = (): MapResult => {
    if (rating === undefined) return ignored('Customer feedback without a rating Forewarn can read as a score; nothing to record');
    // Keyed by the rating itself, so a template that repeats an old rating records it once.
    return mapped([caseEvent('forewarn.survey.responded', stableId('fd-csat', ticketId, rating, ratingComment), time, `FD-${ticketId}`, {
      ...base,
      actor: customer,
      survey: compact({ kind: 'csat', score: rating, comment: ratingComment?.slice(0, 5000) }),
    })]);
  };

  const withReasons = (result: MapResult): MapResult => {
    if (reasons.length === 0) return result;
    if (result.status === 'mapped') return mapped(result.events, [...(result.ignored ?? []).map((i) => i.reason), ...reasons]);
    if (result.status === 'ignored') return ignored(...result.ignored.map((i) => i.reason), ...reasons);
    return result;
  };
  if (!triggered) {
    // No (readable) {{triggered_event}}: the ticket as it is now.
    if (rating !== undefined) return withReasons(survey());
    // A "ticket is created" rule: created and modified times agree, or (simple mode, no times) a
    // new ticket nobody has answered or taken yet.
    const untouched = !updatedAt && !createdAt && !publicComment && !privateComment && !agent.id && !agent.name && (status === 'open' || status === 'new');
    if (justCreated(context, createdAt, updatedAt) || (wrapped && untouched)) return withReasons(mapped([caseEvent('forewarn.case.opened', delivery, openedAt, `FD-${ticketId}`, { ...base, actor: customer })]));
    if (status === 'solved') return withReasons(mapped([event('forewarn.case.resolved')]));
    if (status === 'closed') return withReasons(mapped([event('forewarn.case.closed')]));
    return withReasons(mapped([event('forewarn.case.updated')]));
  }

  switch (triggered.name) {
    case 'ticket_action':
      if (triggered.value === 'created') return mapped([caseEvent('forewarn.case.opened', delivery, openedAt, `FD-${ticketId}`, { ...base, actor: customer })]);
      if (triggered.value === 'deleted' || triggered.value === 'marked_spam' || triggered.value === 'spam') {
        return mapped([event('forewarn.case.closed', '', { case: { ...caseData, status: 'closed' }, reason: triggered.value === 'deleted' ? 'Deleted in Freshdesk' : 'Marked as spam in Freshdesk' })]);
      }
      if (triggered.value === 'updated') return mapped([event('forewarn.case.updated')]);
      return ignored(`{ticket_action:${triggered.value}} does not change how Forewarn sees the ticket`);
    case 'status': {
      const to = freshdeskStatus(triggered.to, str(statusValue)) ?? status;
      const from = freshdeskStatus(triggered.from);
      const now = { ...caseData, status: to };
      if (to === 'solved' && from !== 'solved') return mapped([event('forewarn.case.resolved', '', { case: now, actor: agentActor })]);
      if (to === 'closed' && from !== 'closed') return mapped([event('forewarn.case.closed', '', { case: now })]);
      if (isDone(from) && !isDone(to)) return mapped([event('forewarn.case.reopened', '', { case: now, reason: `Reopened (was ${from})` })]);
      return mapped([event('forewarn.case.updated', '', { case: now })]);
    }
    case 'priority': {
      const severity = freshdeskSeverity(triggered.to) ?? (caseData.severity as number | undefined);
      return mapped([event('forewarn.case.priority_changed', '', { case: compact({ ...caseData, severity }) })]);
    }
    case 'responder_id':
    case 'agent_id': {
      const id = str(triggered.to) && triggered.to !== 'null' && triggered.to !== '' ? triggered.to : undefined;
      if (!id && !agent.name) return mapped([event('forewarn.case.updated', '', { reason: 'The ticket was unassigned' })]);
      return mapped([event('forewarn.case.assigned', '', { assignee: compact({ id: id ?? agent.id, name: agent.name }) })]);
    }
    case 'note_type': {
      const isPublic = norm(triggered.value) === 'public';
      const text = isPublic ? (publicComment ?? privateComment) : (privateComment ?? publicComment);
      return mapped([event('forewarn.case.commented', '', { actor: agentActor, comment: compact({ public: isPublic, excerpt: text }) })]);
    }
    case 'reply_sent':
      return mapped([event('forewarn.case.commented', '', { actor: agentActor, comment: compact({ public: true, excerpt: publicComment }) })]);
    case 'customer_reply':
    case 'reply_received':
    case 'customer_replied':
      return mapped([event('forewarn.case.commented', '', { actor: customer, comment: compact({ public: true, excerpt: publicComment }) })]);
    case 'customer_feedback':
    case 'satisfaction_rating':
      return survey();
    default:
      return ignored(`{${triggered.name}:…} does not change how Forewarn sees the ticket (time entries, groups, types and similar are not tracked)`);
  }
}
