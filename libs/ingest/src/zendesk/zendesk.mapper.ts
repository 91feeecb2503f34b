import type { CaseStatus, EventType } from '@forewarn/contracts';
import {
  accountRef, at, caseEvent, compact, csatScore, email, eventTime, excerpt, firstStr, ignored, int, invalidField, isDone, isObject, type Json,
  httpUrl, justCreated, mapped, norm, stableId, str,
} from '../common';
import { escalationFromTags, tagList } from '../escalation';
import { jiraSeverity } from '../jira/jira.mapper';
import { type Leaf, leavesOf, pick, text } from '../shape';
import type { MappedEvent, MapResult, MappingContext } from '../types';

/**
 * Zendesk → canonical events. Two kinds of delivery arrive at the same URL:
 *
 * - **Event webhooks** (`"type": "zen:event-type:ticket.*"`, with `detail` — the ticket as it is —
 *   and `event` — what changed), as documented in Zendesk's "Ticket events" webhook reference.
 *   Ids come from Zendesk's event id (a hash of the delivery when it has none).
 * - **Trigger/automation webhooks**, whose JSON body the admin writes with Zendesk placeholders
 *   under keys of their choosing. Forewarn's template (docs/webhooks/zendesk.md) is read first;
 *   any other template is read by its keys' words and its values' shapes: a ticket link gives the
 *   ticket id, `Good, I'm satisfied` is a rating, `{{ticket.tags}}` gives the escalation level.
 *   Ids are a hash of the delivery's content; facts repeated as state (a rating, an escalation
 *   level) get ids derived from that state, so repeating them counts once.
 */
export const ZENDESK_TICKET_EVENTS_MAPPED = [
  'ticket.created', 'ticket.status_changed', 'ticket.priority_changed', 'ticket.agent_assignment_changed', 'ticket.group_assignment_changed',
  'ticket.comment_added', 'ticket.tags_changed', 'ticket.custom_field_changed', 'ticket.subject_changed', 'ticket.organization_changed',
  'ticket.requester_changed', 'ticket.merged', 'ticket.soft_deleted', 'ticket.permanently_deleted', 'ticket.marked_as_spam', 'ticket.undeleted',
  'ticket.csat_received',
] as const;

export const ZENDESK_TRIGGER_CHANGES = ['created', 'updated', 'comment', 'status', 'priority', 'assignee', 'escalated', 'satisfaction'] as const;
type TriggerChange = (typeof ZENDESK_TRIGGER_CHANGES)[number];
const isTriggerChange = (value: string | undefined): value is TriggerChange => (ZENDESK_TRIGGER_CHANGES as readonly string[]).includes(value ?? '');

const PRIORITY_SEVERITY: Record<string, number> = { urgent: 1, high: 2, normal: 3, low: 4 };
const STATUS: Record<string, CaseStatus> = {
  new: 'new', open: 'open', pending: 'pending', hold: 'on_hold', 'on hold': 'on_hold', solved: 'solved', closed: 'closed',
  deleted: 'closed', archived: 'closed', scrubbed: 'closed',
};

export const zendeskSeverity = (priority: unknown): number | undefined => PRIORITY_SEVERITY[norm(str(priority))];
export const zendeskStatus = (status: unknown): CaseStatus | undefined => STATUS[norm(str(status))];

export function mapZendesk(payload: unknown, context: MappingContext): MapResult {
  if (!isObject(payload)) return invalidField('(body)', 'must be a JSON object');
  if (typeof payload.type === 'string' && payload.type.startsWith('zen:event-type:')) return mapEventWebhook(payload, context);
  return mapTrigger(payload, context);
}

/* ----------------------------------------------------------------- event webhooks */

function mapEventWebhook(payload: Json, context: MappingContext): MapResult {
  const eventType = String(payload.type).slice('zen:event-type:'.length);
  if (!eventType.startsWith('ticket.')) {
    return ignored(`zen:event-type:${eventType} is not about a ticket; Forewarn maps ticket events only (accounts come from account.upserted)`);
  }
  // A ticket event without its ticket is not Zendesk's format (Zendesk always sends `detail.id`).
  const detail = isObject(payload.detail) ? payload.detail : undefined;
  if (!detail) return invalidField('detail', 'is required');
  const ticketId = str(detail.id);
  if (!ticketId) return invalidField('detail.id', 'is required');
  const change = isObject(payload.event) ? payload.event : {};
  const time = eventTime(context, payload.time, detail.updated_at);
  const zendeskId = str(payload.id) ?? stableId('e', eventType, ticketId, payload.time, change);
  const ticket = ticketOfDetail(detail, ticketId);
  if (!ticket.account) return ignored(`zen:event-type:${eventType} on ticket ${ticketId} names no organisation or requester (detail.organization_id, detail.requester_id), so no account can be told`);
  const requesterId = str(detail.requester_id);
  const actorId = str(detail.actor_id);
  const actorType = actorId === undefined ? undefined : actorId === '-1' ? 'system' : actorId === requesterId ? 'customer' : 'agent';
  const actor = actorType ? { type: actorType } : undefined;
  const base = { account: ticket.account, case: ticket.case };
  const event = (type: EventType, suffix: string, data: Json = {}): MappedEvent =>
    caseEvent(type, `zd-${zendeskId}${suffix}`, time, ticket.subject, { ...base, actor, ...data });

  switch (eventType) {
    case 'ticket.created':
      return mapped([event('forewarn.case.opened', '')]);
    case 'ticket.status_changed': {
      const current = zendeskStatus(valueOf(change.current)) ?? ticket.case.status;
      const previous = zendeskStatus(valueOf(change.previous));
      const caseNow = compact({ ...ticket.case, status: current });
      return mapped(statusEvents(current, previous, actorType, (type, suffix, data) => event(type, suffix, { case: caseNow, ...data })));
    }
    case 'ticket.priority_changed': {
      const severity = zendeskSeverity(valueOf(change.current)) ?? ticket.case.severity;
      const previous = zendeskSeverity(valueOf(change.previous));
      return mapped([event('forewarn.case.priority_changed', '', {
        case: compact({ ...ticket.case, severity }),
        reason: previous && severity ? `Priority changed from ${str(valueOf(change.previous))} to ${str(valueOf(change.current))}` : undefined,
      })]);
    }
    case 'ticket.agent_assignment_changed': {
      const current = change.current;
      const assigneeId = isObject(current) ? str(current.id) : str(current) ?? str(detail.assignee_id);
      const assigneeName = isObject(current) ? str(current.name) : undefined;
      if (!assigneeId && !assigneeName) return mapped([event('forewarn.case.updated', '', { reason: 'The ticket was unassigned' })]);
      return mapped([event('forewarn.case.assigned', '', { assignee: compact({ id: assigneeId, name: assigneeName }) })]);
    }
    case 'ticket.group_assignment_changed': {
      const group = str(valueOf(change.current)) ?? str(detail.group_id);
      return mapped([event('forewarn.case.updated', '', { reason: group ? `Moved to group ${group}` : 'Removed from its group' })]);
    }
    case 'ticket.comment_added': {
      const comment = isObject(change.comment) ? change.comment : {};
      const authorId = str(at(comment, 'author.id')) ?? str(comment.author_id);
      const isStaff = at(comment, 'author.is_staff');
      const type = authorId === '-1' ? 'system'
        : authorId !== undefined && authorId === requesterId ? 'customer'
          : isStaff === false ? 'customer'
            : isStaff === true || authorId !== undefined ? 'agent' : actorType;
      const isPublic = typeof comment.is_public === 'boolean' ? comment.is_public : typeof comment.public === 'boolean' ? comment.public : undefined;
      return mapped([event('forewarn.case.commented', '', {
        actor: type ? compact({ type, name: str(at(comment, 'author.name'))?.slice(0, 300) }) : undefined,
        comment: compact({ public: isPublic, excerpt: excerpt(comment.body ?? comment.html_body) }),
      })]);
    }
    case 'ticket.tags_changed': {
      const added = tagList(change.tags_added) ?? difference(tagList(change.current), tagList(change.previous));
      const removed = tagList(change.tags_removed) ?? difference(tagList(change.previous), tagList(change.current));
      const addedLevel = escalationFromTags(added) ?? 0;
      const removedLevel = escalationFromTags(removed) ?? 0;
      if (addedLevel > 0) return mapped([event('forewarn.case.escalated', '', { reason: `Tagged ${added.filter((t) => escalationFromTags([t])).join(', ')} in Zendesk` })]);
      if (removedLevel > 0) return mapped([event('forewarn.case.de_escalated', '', { reason: `Tag ${removed.filter((t) => escalationFromTags([t])).join(', ')} removed in Zendesk` })]);
      return ignored('zen:event-type:ticket.tags_changed changed no escalation tag (escalated, escalation_level_N)');
    }
    case 'ticket.custom_field_changed':
      return customFieldEvents(change, ticket.case, event);
    case 'ticket.subject_changed':
    case 'ticket.organization_changed':
    case 'ticket.requester_changed':
      return mapped([event('forewarn.case.updated', '', { reason: `${eventType.slice('ticket.'.length).replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase())} in Zendesk` })]);
    case 'ticket.merged':
      return mapped([event('forewarn.case.closed', '', { case: { ...ticket.case, status: 'closed' }, reason: 'Merged into another ticket in Zendesk' })]);
    case 'ticket.soft_deleted':
    case 'ticket.permanently_deleted':
    case 'ticket.marked_as_spam':
      return mapped([event('forewarn.case.closed', '', { case: { ...ticket.case, status: 'closed' }, reason: eventType === 'ticket.marked_as_spam' ? 'Marked as spam in Zendesk' : 'Deleted in Zendesk' })]);
    case 'ticket.undeleted':
      return mapped([event('forewarn.case.reopened', '', { reason: 'Restored in Zendesk' })]);
    case 'ticket.csat_received': {
      // The rating is read by shape wherever the event carries it (a score 1–5 or good/bad, with its comment).
      const leaves = leavesOf(change);
      const score = pick(leaves, /rating|score|satisf|csat|value|current/, csatScore, /previous|scale|comment|reason/);
      if (score === undefined) return ignored('zen:event-type:ticket.csat_received carried no rating Forewarn can read as a score');
      const comment = pick(leaves, /comment|remark|reason|text/, text);
      return mapped([caseEvent('forewarn.survey.responded', stableId('zd-csat', ticketId, score, comment), time, ticket.subject, {
        ...base,
        actor: { type: 'customer' },
        survey: compact({ kind: 'csat', score, comment: comment?.slice(0, 5000) }),
      })]);
    }
    case 'ticket.csat_requested':
      return ignored('zen:event-type:ticket.csat_requested: a survey was offered; Forewarn records the answer (ticket.csat_received)');
    case 'ticket.custom_status_changed':
      return ignored('zen:event-type:ticket.custom_status_changed: the status change itself arrives as ticket.status_changed');
    default:
      return ignored(`zen:event-type:${eventType} does not change how Forewarn sees the case`);
  }
}

/** Zendesk sends `current`/`previous` either as the value or as an object holding it. */
const valueOf = (value: unknown): unknown => (isObject(value) ? (value.status ?? value.priority ?? value.value ?? value.name ?? value.id) : value);

const difference = (a: string[] | undefined, b: string[] | undefined): string[] => (a ?? []).filter((t) => !(b ?? []).includes(t));

type CaseData = Json & { status?: CaseStatus; severity?: number; escalationLevel?: number };

function ticketOfDetail(detail: Json, id: string): { account: Json | undefined; case: CaseData; subject: string } {
  const tags = tagList(detail.tags);
  return {
    account: accountRef({ orgId: str(detail.organization_id), requesterId: str(detail.requester_id) }),
    case: compact({
      id: `ZD-${id}`,
      title: str(detail.subject)?.slice(0, 500),
      severity: zendeskSeverity(detail.priority),
      status: zendeskStatus(detail.status),
      escalationLevel: escalationFromTags(tags),
    }),
    subject: `ZD-${id}`,
  };
}

/** An escalation level from a custom field's value: a number, a tag-like value, yes/no, a checkbox. */
function escalationValue(value: unknown): number | undefined {
  if (value === true) return 1;
  if (value === false || value === null) return 0;
  const n = int(value);
  if (n !== undefined) return Math.max(0, Math.min(3, n));
  const label = norm(str(value));
  if (!label) return 0;
  if (/^(no|none|false|not escalated|normal)$/.test(label)) return 0;
  const numbered = /([0-3])\b/.exec(label);
  if (numbered) return Number(numbered[1]);
  return escalationFromTags([label]) || (/^(yes|true|escalated)$/.test(label) ? 1 : undefined);
}

/**
 * `ticket.custom_field_changed`: the field is named in the event (`custom_field.title`, or by its
 * key); one about escalation sets the level, one about severity the severity. Others are ignored.
 */
function customFieldEvents(change: Json, caseNow: CaseData, event: (type: EventType, suffix: string, data?: Json) => MappedEvent): MapResult {
  const field = isObject(change.custom_field) ? change.custom_field : isObject(change.field) ? change.field : {};
  const title = str(field.title) ?? str(field.name) ?? str(field.id) ?? 'a custom field';
  const name = norm(title);
  if (/escalat/.test(name)) {
    const after = escalationValue(valueOf(change.current)) ?? 0;
    const before = escalationValue(valueOf(change.previous)) ?? 0;
    const caseThen = { ...caseNow, escalationLevel: after };
    if (after > before) return mapped([event('forewarn.case.escalated', '', { case: caseThen, reason: `${title}: ${str(valueOf(change.current)) ?? after}` })]);
    if (after < before) return mapped([event('forewarn.case.de_escalated', '', { case: caseThen, reason: `${title}: ${str(valueOf(change.current)) ?? 'cleared'}` })]);
    return ignored(`The custom field "${title}" changed without changing the escalation level`);
  }
  if (/sever|impact|urgen/.test(name)) {
    const severity = jiraSeverity(valueOf(change.current));
    if (severity === undefined) return ignored(`The custom field "${title}" changed to a value Forewarn cannot read as a severity`);
    return mapped([event('forewarn.case.priority_changed', '', { case: { ...caseNow, severity }, reason: `${title}: ${str(valueOf(change.current))}` })]);
  }
  return ignored(`zen:event-type:ticket.custom_field_changed: "${title}" is not a field Forewarn tracks (it reads fields named like escalation or severity)`);
}

/**
 * The events of a status change, shared by event and trigger webhooks: solved is a resolution,
 * closed a closure, leaving solved or closed a reopen — and when the customer reopens it, the
 * customer rejected the resolution.
 */
export function statusEvents(
  current: CaseStatus | undefined,
  previous: CaseStatus | undefined,
  actorType: string | undefined,
  event: (type: EventType, suffix: string, data?: Json) => MappedEvent,
): MappedEvent[] {
  if (current === 'solved' && previous !== 'solved') return [event('forewarn.case.resolved', '')];
  if (current === 'closed' && previous !== 'closed') return [event('forewarn.case.closed', '')];
  if (isDone(previous) && current !== undefined && !isDone(current)) {
    const reopened = event('forewarn.case.reopened', '', { reason: `Reopened (was ${previous})` });
    if (actorType !== 'customer') return [reopened];
    return [reopened, event('forewarn.case.resolution_rejected', '-rejected', { reason: 'The customer reopened the ticket after it was marked solved' })];
  }
  return [event('forewarn.case.updated', '')];
}

/* ----------------------------------------------------------------- trigger webhooks */

const TICKET_LINK = /\/(?:agent\/)?tickets\/(\d+)\b/;
const digits = (value: unknown): string | undefined => {
  const s = str(value);
  return s && /^\d{1,20}$/.test(s) ? s : undefined;
};
const statusWord = (value: unknown): CaseStatus | undefined => zendeskStatus(value);
const priorityWord = (value: unknown): number | undefined => zendeskSeverity(value);
const isRatingWord = (value: unknown): boolean => /^(offered|unoffered|bad|good)\b/i.test(str(value) ?? '');

/** What a trigger's JSON says, read from Forewarn's template paths first and then by shape. */
interface TriggerFields {
  id: string;
  change?: string;
  title?: string;
  url?: string;
  status?: CaseStatus;
  previousStatus?: CaseStatus;
  severity?: number;
  priorityText?: string;
  tags?: string[];
  product?: string;
  createdAt?: unknown;
  updatedAt?: unknown;
  requesterEmail?: string;
  requesterId?: string;
  requesterName?: string;
  orgId?: string;
  orgName?: string;
  orgExternalId?: string;
  assignee: Json;
  user: { id?: string; name?: string; email?: string; role?: string };
  rating?: number;
  ratingText?: string;
  ratingComment?: string;
  comment?: string;
  commentPublic?: boolean;
}

function triggerFields(payload: Json): TriggerFields | undefined {
  const leaves = leavesOf(payload);
  const t = isObject(payload.ticket) ? payload.ticket : {};
  const notPeople = /current user|updated by|actor|assignee|agent|submitter|author|satisf|csat|rating/;
  const id = digits(t.id) ?? digits(payload.ticket_id) ?? digits(payload.id)
    ?? pick(leaves, /\bticket\b.*\bid$|^ticket id$|^id$/, digits, /organi[sz]ation|requester|user|assignee|group|brand|org|comment|field|form/)
    ?? pick(leaves, /./, (v) => TICKET_LINK.exec(str(v) ?? '')?.[1]);
  if (!id) return undefined;
  const userObj = isObject(payload.current_user) ? payload.current_user : {};
  const inUser = (l: Leaf) => /^(current user|updated by|actor)$/.test(l.path[0] ?? '');
  const userLeaves = leaves.filter(inUser);
  const ticketLeaves = leaves.filter((l) => !inUser(l));
  const ratingText = str(at(payload, 'satisfaction.rating')) ?? str(at(payload, 'satisfaction.score'))
    ?? pick(ticketLeaves, /satisf|csat|rating/, (v) => (csatScore(v) !== undefined || isRatingWord(v) ? str(v) : undefined), /comment|reason|previous/);
  const commentObj = isObject(payload.comment) ? payload.comment : undefined;
  const changeText = str(payload.change) ?? pick(leaves.filter((l) => l.path.length === 1), /^(change|event|action|trigger)$/, text);
  return {
    id,
    change: changeText ? norm(changeText) : undefined,
    title: str(t.title) ?? str(t.subject) ?? pick(ticketLeaves, /title|subject/, text, notPeople),
    url: httpUrl(t.url ?? t.link) ?? pick(ticketLeaves, /./, (v) => (TICKET_LINK.test(str(v) ?? '') ? httpUrl(v) : undefined)),
    status: statusWord(t.status) ?? pick(ticketLeaves, /status|state/, statusWord, /previous|old|from|before|satisf/),
    previousStatus: statusWord(payload.previous_status ?? t.previous_status) ?? pick(ticketLeaves, /(previous|old|from|before).*(status|state)|(status|state).*(previous|old|from|before)/, statusWord),
    severity: priorityWord(t.priority) ?? pick(ticketLeaves, /prio/, priorityWord, /previous|old/),
    priorityText: str(t.priority) ?? pick(ticketLeaves, /prio/, (v) => (priorityWord(v) ? str(v) : undefined), /previous|old/),
    tags: tagList(t.tags) ?? pick(ticketLeaves, /\b(tags?|labels?)$/, tagList, notPeople),
    product: str(t.product) ?? pick(ticketLeaves, /product/, text, notPeople),
    createdAt: t.created_at ?? pick(ticketLeaves, /creat/, text, notPeople),
    updatedAt: t.updated_at ?? pick(ticketLeaves, /updat|modif/, text, notPeople),
    requesterEmail: email(at(t, 'requester.email')) ?? pick(ticketLeaves, /requester|customer|end user|contact|from|reporter/, email, /assignee|agent|current user|satisf/)
      ?? pick(ticketLeaves, /./, email, /assignee|agent|current user|updated by|author|cc|follower|submitter/),
    requesterId: firstStr(t, 'requester.id') ?? pick(ticketLeaves, /requester.*id|customer.*id|end user.*id/, digits),
    requesterName: firstStr(t, 'requester.name') ?? pick(ticketLeaves, /requester.*name|customer.*name/, text),
    orgId: firstStr(t, 'organization.id') ?? pick(ticketLeaves, /organi[sz]ation.*\bid$|\borg\b.*\bid$/, digits, /external/),
    orgName: firstStr(t, 'organization.name') ?? pick(ticketLeaves, /organi[sz]ation.*name|\borg\b.*name|company|account name|^organi[sz]ation$/, text),
    orgExternalId: firstStr(t, 'organization.external_id') ?? pick(ticketLeaves, /organi[sz]ation.*external|\borg\b.*external|crm/, text),
    assignee: compact({ id: firstStr(t, 'assignee.id') ?? pick(ticketLeaves, /assignee.*id/, digits), name: firstStr(t, 'assignee.name') ?? pick(ticketLeaves, /assignee.*name|^assignee$/, text) }),
    user: {
      id: str(userObj.id) ?? pick(userLeaves, /\bid$/, digits),
      name: str(userObj.name) ?? pick(userLeaves, /name/, text),
      email: email(userObj.email) ?? pick(userLeaves, /./, email),
      role: str(userObj.role) ?? pick(userLeaves, /role/, text),
    },
    rating: csatScore(ratingText),
    ratingText,
    ratingComment: str(at(payload, 'satisfaction.comment')) ?? pick(ticketLeaves, /(satisf|csat|rating).*(comment|reason|text)|(comment|reason).*(satisf|csat|rating)/, text),
    comment: excerpt(commentObj ? commentObj.body : (payload.comment ?? t.latest_comment ?? t.comment))
      ?? excerpt(pick(ticketLeaves, /comment|latest|body|message/, text, /satisf|csat|rating|public|author|id$/)),
    commentPublic: commentObj && typeof commentObj.public === 'boolean' ? commentObj.public : undefined,
  };
}

function mapTrigger(payload: Json, context: MappingContext): MapResult {
  const f = triggerFields(payload);
  if (!f) return invalidField('ticket.id', 'is required: send a Zendesk event webhook (zen:event-type:…) or a trigger webhook whose JSON carries the ticket id ({{ticket.id}}) or link ({{ticket.link}})');
  const { id } = f;
  const account = accountRef({ crmId: f.orgExternalId, orgId: f.orgId, orgName: f.orgName, requesterEmail: f.requesterEmail, requesterId: f.requesterId });
  if (!account) return ignored(`The trigger's JSON for ticket ${id} names no requester or organisation ({{ticket.requester.email}}, {{ticket.organization.id}}), so no account can be told`);
  const escalationLevel = escalationFromTags(f.tags);
  const caseData: CaseData = compact({
    id: `ZD-${id}`,
    title: f.title?.slice(0, 500),
    url: f.url,
    severity: f.severity,
    status: f.status,
    escalationLevel,
    product: f.product?.slice(0, 200),
  });
  const userRole = norm(f.user.role);
  const actorType = userRole === 'end user' || (f.requesterEmail && f.user.email === f.requesterEmail) || (f.requesterId && f.user.id === f.requesterId)
    ? 'customer'
    : f.user.email || f.user.name || userRole ? 'agent' : undefined;
  const actor = actorType ? compact({ type: actorType, name: f.user.name?.slice(0, 300), email: f.user.email }) : undefined;
  // The ticket's update time; its creation time only says when an opening happened.
  const time = eventTime(context, f.updatedAt);
  const known = isTriggerChange(f.change) ? f.change : undefined;
  const reasons: string[] = [];
  if (f.change && !known && !/^(ticket|update|updated|trigger|automation)$/.test(f.change)) {
    reasons.push(`"change": "${f.change}" is not one of ${ZENDESK_TRIGGER_CHANGES.join(', ')}; the ticket was read as it is now`);
  }
  const delivery = stableId('zd', id, f.change ?? '', f.updatedAt, f.status, f.priorityText, f.assignee, f.comment, f.rating, f.ratingComment, f.tags, f.previousStatus);
  const base = { account, case: caseData, actor };
  const event = (type: EventType, suffix: string, data: Json = {}): MappedEvent => caseEvent(type, `${delivery}${suffix}`, time, `ZD-${id}`, { ...base, ...data });

  // Facts the JSON repeats as state: a rating and an escalation level. Their ids come from the state itself.
  const survey = (): MappedEvent | undefined => (f.rating === undefined ? undefined
    : caseEvent('forewarn.survey.responded', stableId('zd-csat', id, f.rating, f.ratingComment), time, `ZD-${id}`, {
      ...base,
      actor: actorType === 'customer' ? actor : compact({ type: 'customer', name: f.requesterName?.slice(0, 300), email: f.requesterEmail }),
      survey: compact({ kind: 'csat', score: f.rating, comment: f.ratingComment?.slice(0, 5000) }),
    }));
  const escalation = (): MappedEvent | undefined => (escalationLevel === undefined || escalationLevel === 0 ? undefined
    : caseEvent('forewarn.case.escalated', stableId('zd-esc', id, escalationLevel), time, `ZD-${id}`, {
      ...base,
      reason: `Tagged ${(f.tags ?? []).filter((t) => escalationFromTags([t])).join(', ')} in Zendesk`,
    }));
  const opened = (): MappedEvent => caseEvent('forewarn.case.opened', delivery, eventTime(context, f.updatedAt, f.createdAt), `ZD-${id}`, { ...base, ...(f.comment ? { comment: { excerpt: f.comment } } : {}) });
  const unrated = f.ratingText !== undefined && f.rating === undefined ? 'The satisfaction rating is not a score (it is offered or unrated); nothing to record' : undefined;
  const withState = (primary: MappedEvent[], ...skip: ('survey' | 'escalation')[]): MapResult => {
    const extra = [skip.includes('survey') ? undefined : survey(), skip.includes('escalation') ? undefined : escalation()].filter((e): e is MappedEvent => e !== undefined);
    return mapped([...primary, ...extra], [...reasons, unrated]);
  };

  switch (known) {
    case 'created':
      return withState([opened()], 'escalation');
    case 'comment':
      return withState([event('forewarn.case.commented', '', { comment: compact({ public: f.commentPublic, excerpt: f.comment }) })]);
    case 'status':
      return withState(statusEvents(f.status, f.previousStatus, actorType, event));
    case 'priority':
      return withState([event('forewarn.case.priority_changed', '', { reason: f.priorityText ? `Priority ${f.priorityText}` : undefined })]);
    case 'assignee':
      if (!f.assignee.id && !f.assignee.name) return withState([event('forewarn.case.updated', '', { reason: 'The ticket was unassigned' })]);
      return withState([event('forewarn.case.assigned', '', { assignee: f.assignee })]);
    case 'escalated':
      return withState([event('forewarn.case.escalated', '', { reason: f.comment })], 'escalation');
    case 'satisfaction':
      return withState([], 'escalation');
    default: {
      // No (known) change: the ticket as it is now, with what its state says.
      if (f.rating !== undefined) return withState([]);
      if (known !== 'updated' && justCreated(context, f.createdAt, f.updatedAt)) return withState([opened()], 'escalation');
      if (f.status === 'solved') return withState([event('forewarn.case.resolved', '')]);
      if (f.status === 'closed') return withState([event('forewarn.case.closed', '')]);
      return withState([event('forewarn.case.updated', '')]);
    }
  }
}
