import type { CaseStatus, EventType } from '@forewarn/contracts';
import {
  accountRef, caseEvent, compact, csatScore, email, excerpt, firstStr, httpUrl, ignored, int, invalidField, isDone, isObject, type Json,
  mapped, norm, stableId, str, toIsoTime,
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
 * `{customer_reply:…}`, `{customer_feedback:…}`.
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

export function mapFreshdesk(payload: unknown, context: MappingContext): MapResult {
  if (!isObject(payload)) return invalidField('(body)', 'must be a JSON object');
  const wrapped = isObject(payload.freshdesk_webhook);
  const body: Json = wrapped ? (payload.freshdesk_webhook as Json) : payload;
  const prefix = wrapped ? 'freshdesk_webhook.' : '';
  const get = (...keys: string[]) => firstStr(body, ...keys);
  const ticketId = get('ticket_id', 'ticket.id', 'id', 'ticket_display_id');
  if (!ticketId) return invalidField(`${prefix}ticket_id`, 'is required');
  if (!/^\d+$/.test(ticketId)) return invalidField(`${prefix}ticket_id`, 'must be a Freshdesk ticket number');

  const triggeredText = get('triggered_event', 'ticket.triggered_event', 'event');
  const triggered = parseTriggeredEvent(triggeredText);
  if (triggeredText && !triggered) return invalidField(`${prefix}triggered_event`, 'must look like {ticket_action:created} or {status:{from:2,to:4}}');

  const requesterEmail = email(get('requester_email', 'ticket_contact_email', 'ticket_requester_email', 'ticket.requester.email', 'contact_email'));
  const account = accountRef({
    orgId: get('company_id', 'ticket_company_id', 'ticket.company.id'),
    orgName: get('company_name', 'ticket_company_name', 'ticket.company.name'),
    requesterEmail,
    requesterId: get('requester_id', 'ticket.requester_id', 'ticket.requester.id'),
  });
  if (!account) return invalidField(`${prefix}requester_email`, 'is required to tell which account the ticket is about (or company_id)');

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
  const time = toIsoTime(get('ticket_updated_at', 'updated_at', 'ticket.updated_at')) ?? context.receivedAt.toISOString();
  // Freshdesk has no event id: the delivery's content is the identity, so a retry is the same event.
  const delivery = stableId('fd', ticketId, triggeredText, statusValue, priorityValue, agent, tags, publicComment, privateComment, rating, ratingComment, get('ticket_updated_at', 'updated_at'));
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

  if (!triggered) {
    // A custom template without {{triggered_event}}: the ticket as it is now.
    if (rating !== undefined) return survey();
    if (status === 'solved') return mapped([event('forewarn.case.resolved')]);
    if (status === 'closed') return mapped([event('forewarn.case.closed')]);
    return mapped([event('forewarn.case.updated')]);
  }

  switch (triggered.name) {
    case 'ticket_action':
      if (triggered.value === 'created') return mapped([event('forewarn.case.opened', '', { actor: customer })]);
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
