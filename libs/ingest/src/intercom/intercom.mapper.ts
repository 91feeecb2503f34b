import type { CaseStatus, EventType } from '@forewarn/contracts';
import {
  accountRef, at, caseEvent, compact, csatScore, email, eventId, eventTime, excerpt, httpUrl, ignored, int, invalidField, isObject, type Json,
  mapped, norm, stableId, str,
} from '../common';
import { escalationFromTags } from '../escalation';
import type { MappedEvent, MapResult, MappingContext } from '../types';

/**
 * Intercom webhooks → canonical events. Every delivery is a notification
 * (`{ "type": "notification_event", "id": "notif_…", "topic", "app_id", "created_at",
 * "data": { "item": … } }`, Intercom's "Webhook models"), signed with
 * `X-Hub-Signature: sha1=<HMAC-SHA1 of the body with the app's client secret>`. The item is a
 * Conversation or a Ticket as Intercom's API (and its TypeScript SDK, intercom-node) describes it.
 *
 * Case ids: `IC-C<conversation id>`, `IC-T<ticket id>`. The account: the conversation's company
 * (its `company_id`, the id you gave the company, usually the CRM's, as `id`; Intercom's own id as
 * external id), the customer's e-mail domain, else the contact. Event ids: the notification id,
 * which Intercom keeps across retries.
 */
export const INTERCOM_TOPICS_MAPPED = [
  'conversation.user.created', 'conversation.user.replied', 'conversation.admin.replied', 'conversation.admin.single.created',
  'conversation.admin.noted', 'conversation.admin.assigned', 'conversation.admin.closed', 'conversation.admin.opened', 'conversation.admin.snoozed',
  'conversation.admin.unsnoozed', 'conversation.rating.added', 'conversation.priority.updated', 'conversation_part.tag.created', 'conversation.deleted',
  'ticket.created', 'ticket.state.updated', 'ticket.contact.replied', 'ticket.admin.replied', 'ticket.note.created', 'ticket.admin.assigned',
  'ticket.team.assigned', 'ticket.attribute.updated', 'ticket.closed', 'ticket.deleted',
] as const;

/** Ticket state categories (`ticket_state.category`, or the state itself in older versions) → canonical status. */
const TICKET_STATES: Record<string, CaseStatus> = { submitted: 'new', 'in progress': 'open', 'waiting on customer': 'pending', resolved: 'solved' };
/** Conversation states: a closed conversation is resolved (a customer's reply reopens it). */
const CONVERSATION_STATES: Record<string, CaseStatus> = { open: 'open', snoozed: 'pending', closed: 'solved' };

export const intercomTicketStatus = (state: unknown): CaseStatus | undefined => TICKET_STATES[norm(str(isObject(state) ? (state.category ?? state.internal_label) : state))];
export const intercomConversationStatus = (state: unknown): CaseStatus | undefined => CONVERSATION_STATES[norm(str(state))];

const CUSTOMER_AUTHORS = new Set(['user', 'lead', 'contact']);
const authorType = (author: unknown): 'customer' | 'agent' | 'system' | undefined => {
  if (!isObject(author)) return undefined;
  const type = norm(str(author.type));
  if (author.from_ai_agent === true || type === 'bot' || type === 'operator') return 'system';
  if (CUSTOMER_AUTHORS.has(type)) return 'customer';
  if (type === 'admin' || type === 'team') return 'agent';
  return undefined;
};
const person = (author: unknown): Json | undefined => {
  const type = authorType(author);
  if (!type || !isObject(author)) return undefined;
  return compact({ type, name: str(author.name)?.slice(0, 300), email: email(author.email) });
};

/** The objects of a list that should be one (anything else: none). */
const listOf = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isObject) : []);

/** The parts of the conversation or ticket, oldest first. */
function partsOf(item: Json): Json[] {
  return listOf(at(item, 'conversation_parts.conversation_parts') ?? at(item, 'ticket_parts.ticket_parts')).sort((a, b) => (int(a.created_at) ?? 0) - (int(b.created_at) ?? 0));
}

function companyOf(item: Json): { crmId?: string; orgId?: string; name?: string } {
  const company = isObject(item.company) ? item.company
    : listOf(at(item, 'companies.companies'))[0];
  return {
    crmId: str(company?.company_id),
    orgId: str(company?.id) ?? str(item.company_id),
    name: str(company?.name),
  };
}

export function mapIntercom(payload: unknown, context: MappingContext): MapResult {
  if (!isObject(payload)) return invalidField('(body)', 'must be a JSON object');
  const topic = str(payload.topic);
  if (!topic) return invalidField('topic', 'is required: this is not an Intercom webhook notification');
  if (topic === 'ping') return ignored('ping: Intercom checks that the endpoint answers; nothing to record');
  const isTicket = topic.startsWith('ticket.');
  if (!isTicket && !topic.startsWith('conversation')) {
    return ignored(`${topic} is not about a conversation or ticket; Forewarn maps conversation and ticket topics (accounts come from the CRM)`);
  }
  const item = at(payload, 'data.item');
  const itemId = isObject(item) ? str(item.id) : undefined;
  if (!isObject(item) || !itemId) return invalidField('data.item.id', `is required: a ${topic} notification carries the ${isTicket ? 'ticket' : 'conversation'} in data.item`);
  const ticket = isTicket || str(item.type) === 'ticket';
  const caseId = `${ticket ? 'IC-T' : 'IC-C'}${itemId}`;
  const parts = partsOf(item);
  // The newest part is what a reply, note, assignment or state notification is about.
  const part = parts[parts.length - 1];
  // API 2.x puts the first message in `source`; 1.x in `conversation_message`, with the customer as `user` (or `customers`).
  const source = isObject(item.source) ? item.source : isObject(item.conversation_message) ? item.conversation_message : {};
  const legacyUser = isObject(item.user) ? item.user : listOf(item.customers)[0];
  const contacts = listOf(at(item, 'contacts.contacts'));
  const contact = contacts[0];
  const customerAuthor = [source.author, ...parts.map((p) => p.author).reverse(), legacyUser].find((a) => authorType(a) === 'customer') as Json | undefined;
  const company = companyOf(item);
  const account = accountRef({
    crmId: company.crmId,
    orgId: company.orgId,
    orgName: company.name,
    requesterEmail: email(customerAuthor?.email) ?? email(contact?.email),
    requesterId: str(contact?.external_id) ?? str(contact?.id) ?? str(customerAuthor?.user_id) ?? str(customerAuthor?.id),
  });
  if (!account) return ignored(`${topic} on ${caseId} names no company or contact, so no account can be told`);

  const tags = Array.isArray(at(item, 'tags.tags')) ? listOf(at(item, 'tags.tags')).map((t) => str(t.name)).filter((t): t is string => t !== undefined) : undefined;
  const status = ticket ? (item.open === false && !item.ticket_state ? 'closed' : intercomTicketStatus(item.ticket_state)) : intercomConversationStatus(item.state);
  const priority = norm(str(item.priority));
  const attributes = isObject(item.ticket_attributes) ? item.ticket_attributes : {};
  const caseData = compact({
    id: caseId,
    title: (str(attributes._default_title_) ?? str(item.title) ?? str(source.subject) ?? excerpt(source.body, 120) ?? str(at(item, 'ticket_type.name')))?.slice(0, 500),
    url: httpUrl(at(payload, 'links.conversation_web')) ?? httpUrl(at(item, 'links.conversation_web')),
    severity: priority === 'priority' ? 2 : priority === 'not priority' ? 3 : undefined,
    status,
    escalationLevel: escalationFromTags(tags),
  });
  const time = eventTime(context, part?.created_at, item.updated_at, payload.created_at, payload.first_sent_at);
  const notification = str(payload.id) ?? stableId('n', topic, itemId, item.updated_at, part?.id);
  const actor = person(part?.author) ?? (topic.includes('.user.') || topic.includes('.contact.') ? person(source.author) : undefined);
  const base = { account, case: caseData, actor };
  const event = (type: EventType, suffix = '', data: Json = {}, at = time): MappedEvent => caseEvent(type, eventId('ic', notification, ...(suffix ? [suffix] : [])), at, caseId, { ...base, ...data });
  const body = (p: Json | undefined) => excerpt(p?.body);

  // Facts the item carries as state: a missed SLA. Its id comes from the state, so it counts once.
  const sla = isObject(item.sla_applied) ? item.sla_applied : undefined;
  const stateEvents: MappedEvent[] = sla && norm(str(sla.sla_status)) === 'missed'
    ? [caseEvent('forewarn.case.sla_breached', stableId('ic-sla', itemId, sla.sla_name), time, caseId, { ...base, actor: { type: 'system' }, reason: `SLA "${str(sla.sla_name) ?? 'SLA'}" missed` })]
    : [];
  const done = (events: MappedEvent[]): MapResult => mapped([...events, ...stateEvents], [], `${topic} changed nothing Forewarn tracks`);

  switch (topic) {
    case 'conversation.user.created':
    case 'conversation.admin.single.created':
    case 'ticket.created':
      return done([event('forewarn.case.opened', '', {
        actor: actor ?? person(source.author) ?? (topic === 'conversation.user.created' ? { type: 'customer' } : undefined),
        comment: body(source) ? { public: true, excerpt: body(source) } : undefined,
        reason: ticket ? str(at(item, 'ticket_type.name')) : undefined,
      }, eventTime(context, item.created_at, time))]);
    case 'conversation.user.replied':
    case 'ticket.contact.replied':
      return done([event('forewarn.case.commented', '', { actor: person(part?.author) ?? { type: 'customer' }, comment: compact({ public: true, excerpt: body(part) }) })]);
    case 'conversation.admin.replied':
    case 'ticket.admin.replied':
      return done([event('forewarn.case.commented', '', { actor: person(part?.author) ?? { type: 'agent' }, comment: compact({ public: true, excerpt: body(part) }) })]);
    case 'conversation.admin.noted':
    case 'ticket.note.created':
      return done([event('forewarn.case.commented', '', { actor: person(part?.author) ?? { type: 'agent' }, comment: compact({ public: false, excerpt: body(part) }) })]);
    case 'conversation.admin.assigned':
    case 'ticket.admin.assigned':
    case 'ticket.team.assigned': {
      const assigned = isObject(part?.assigned_to) ? part.assigned_to : undefined;
      const adminId = (assigned && norm(str(assigned.type)) !== 'team' ? str(assigned.id) : undefined) ?? (topic === 'ticket.team.assigned' ? undefined : str(item.admin_assignee_id));
      const teamId = (assigned && norm(str(assigned.type)) === 'team' ? str(assigned.id) : undefined) ?? str(item.team_assignee_id);
      if (adminId) return done([event('forewarn.case.assigned', '', { assignee: { id: adminId.slice(0, 200) } })]);
      return done([event('forewarn.case.updated', '', { reason: teamId ? `Assigned to team ${teamId}` : 'Unassigned' })]);
    }
    case 'conversation.admin.closed':
    case 'ticket.closed':
      return done([event('forewarn.case.resolved', '', { case: { ...caseData, status: 'solved' } })]);
    case 'conversation.admin.opened':
      return done([event('forewarn.case.reopened', '', { case: { ...caseData, status: 'open' }, reason: 'Reopened in Intercom' })]);
    case 'conversation.admin.snoozed':
    case 'conversation.admin.unsnoozed':
      return done([event('forewarn.case.updated', '', { reason: topic.endsWith('unsnoozed') ? 'Unsnoozed' : 'Snoozed' })]);
    case 'conversation.priority.updated':
      return done([event('forewarn.case.priority_changed', '', { reason: priority === 'priority' ? 'Marked as priority' : 'No longer a priority' })]);
    case 'conversation.rating.added': {
      const rating = isObject(item.conversation_rating) ? item.conversation_rating : {};
      const score = csatScore(rating.rating);
      if (score === undefined) return mapped(stateEvents, [], 'conversation.rating.added without a rating 1–5: nothing to record');
      const remark = str(rating.remark);
      return done([caseEvent('forewarn.survey.responded', stableId('ic-csat', itemId, score, remark), eventTime(context, rating.updated_at, rating.created_at, part?.created_at, item.updated_at, payload.created_at), caseId, {
        ...base,
        actor: person(customerAuthor) ?? { type: 'customer' },
        survey: compact({ kind: 'csat', score, comment: remark?.slice(0, 5000) }),
      })]);
    }
    case 'conversation_part.tag.created': {
      const added = (Array.isArray(part?.tags) ? part.tags : []).filter(isObject).map((t) => str(t.name)).filter((t): t is string => t !== undefined);
      const level = escalationFromTags(added.length > 0 ? added : tags) ?? 0;
      if (level === 0) return mapped(stateEvents, [], 'conversation_part.tag.created added no escalation tag (escalated, escalation_level_N)');
      return done([event('forewarn.case.escalated', '', { reason: `Tagged ${(added.length > 0 ? added : tags ?? []).filter((t) => escalationFromTags([t])).join(', ')} in Intercom` })]);
    }
    case 'ticket.state.updated': {
      const previous = intercomTicketStatus(part?.previous_ticket_state);
      const now = intercomTicketStatus(part?.ticket_state) ?? status;
      const caseNow = compact({ ...caseData, status: now });
      if (now === 'solved' && previous !== 'solved') return done([event('forewarn.case.resolved', '', { case: caseNow })]);
      if (previous === 'solved' && now !== 'solved') {
        const reopened = event('forewarn.case.reopened', '', { case: caseNow, reason: 'Reopened (was resolved)' });
        return done(actor?.type === 'customer' ? [reopened, event('forewarn.case.resolution_rejected', 'rejected', { case: caseNow, reason: 'The customer reopened the ticket after it was resolved' })] : [reopened]);
      }
      return done([event('forewarn.case.updated', '', { case: caseNow, reason: now ? `State: ${str(at(item, 'ticket_state.external_label')) ?? now}` : undefined })]);
    }
    case 'ticket.attribute.updated':
      return done([event('forewarn.case.updated', '', { reason: 'Ticket attributes changed' })]);
    case 'conversation.deleted':
    case 'ticket.deleted':
      return done([event('forewarn.case.closed', '', { case: { ...caseData, status: 'closed' }, reason: 'Deleted in Intercom' })]);
    default:
      return mapped(stateEvents, [], `${topic} does not change how Forewarn sees the case`);
  }
}

