import type { CaseStatus, EventType } from '@forewarn/contracts';
import { z } from 'zod';
import {
  accountRef, at, caseEvent, compact, csatScore, email, excerpt, firstStr, ignored, invalid, invalidField, isDone, isObject, type Json,
  httpUrl, mapped, norm, stableId, str, toIsoTime, zodFieldErrors,
} from '../common';
import { escalationFromTags, tagList } from '../escalation';
import type { MappedEvent, MapResult, MappingContext } from '../types';

/**
 * Zendesk → canonical events. Two kinds of delivery arrive at the same URL:
 *
 * - **Event webhooks** (`"type": "zen:event-type:ticket.*"`, with `detail` — the ticket as it is —
 *   and `event` — what changed). Ids come from Zendesk's event id.
 * - **Trigger/automation webhooks**, whose JSON body the admin writes with placeholders; Forewarn's
 *   template (libs/ingest/README.md) has a `ticket` object and an optional `change` naming what the
 *   trigger reacts to. Ids are a hash of the delivery's content.
 */
export const ZENDESK_TICKET_EVENTS_MAPPED = [
  'ticket.created', 'ticket.status_changed', 'ticket.priority_changed', 'ticket.agent_assignment_changed', 'ticket.comment_added',
  'ticket.tags_changed', 'ticket.subject_changed', 'ticket.organization_changed', 'ticket.merged', 'ticket.soft_deleted',
  'ticket.permanently_deleted', 'ticket.marked_as_spam',
] as const;

export const ZENDESK_TRIGGER_CHANGES = ['created', 'updated', 'comment', 'status', 'priority', 'assignee', 'escalated', 'satisfaction'] as const;
type TriggerChange = (typeof ZENDESK_TRIGGER_CHANGES)[number];

const PRIORITY_SEVERITY: Record<string, number> = { urgent: 1, high: 2, normal: 3, low: 4 };
const STATUS: Record<string, CaseStatus> = {
  new: 'new', open: 'open', pending: 'pending', hold: 'on_hold', 'on hold': 'on_hold', solved: 'solved', closed: 'closed',
  deleted: 'closed', archived: 'closed', scrubbed: 'closed',
};

export const zendeskSeverity = (priority: unknown): number | undefined => PRIORITY_SEVERITY[norm(str(priority))];
export const zendeskStatus = (status: unknown): CaseStatus | undefined => STATUS[norm(str(status))];

const eventWebhookSchema = z.object({
  type: z.string(),
  id: z.string().min(1),
  time: z.string().optional(),
  detail: z.object({ id: z.union([z.string().min(1), z.number()]) }).passthrough(),
  event: z.record(z.unknown()).optional(),
});

const triggerSchema = z.object({
  ticket: z.object({ id: z.union([z.string().min(1), z.number()]) }).passthrough(),
  change: z.enum(ZENDESK_TRIGGER_CHANGES, { errorMap: () => ({ message: `must be one of ${ZENDESK_TRIGGER_CHANGES.join(', ')}` }) }).optional(),
});

export function mapZendesk(payload: unknown, context: MappingContext): MapResult {
  if (!isObject(payload)) return invalidField('(body)', 'must be a JSON object');
  if (typeof payload.type === 'string' && payload.type.startsWith('zen:event-type:')) return mapEventWebhook(payload, context);
  if (isObject(payload.ticket)) return mapTrigger(payload, context);
  if (payload.type !== undefined) return invalidField('type', 'must be a Zendesk event type (zen:event-type:…)');
  return invalidField('ticket', 'is required: send a Zendesk event webhook (zen:event-type:…) or a trigger webhook with a "ticket" object (see the Forewarn template)');
}

/* ----------------------------------------------------------------- event webhooks */

function mapEventWebhook(payload: Json, context: MappingContext): MapResult {
  const eventType = String(payload.type).slice('zen:event-type:'.length);
  if (!eventType.startsWith('ticket.')) {
    return ignored(`zen:event-type:${eventType} is not about a ticket; Forewarn maps ticket events only (accounts come from account.upserted)`);
  }
  const parsed = eventWebhookSchema.safeParse(payload);
  if (!parsed.success) return invalid(zodFieldErrors(parsed.error));
  const detail = payload.detail as Json;
  const change = isObject(payload.event) ? payload.event : {};
  const time = toIsoTime(payload.time) ?? toIsoTime(detail.updated_at) ?? context.receivedAt.toISOString();
  const zendeskId = parsed.data.id;
  const ticket = ticketOfDetail(detail);
  if (!ticket.account) return invalidField('detail.requester_id', 'is required to tell which account the ticket is about (or detail.organization_id)');
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
      const caseNow = { ...ticket.case, status: current };
      return mapped(statusEvents(current, previous, actorType, (type, suffix, data) => event(type, suffix, { case: caseNow, ...data })));
    }
    case 'ticket.priority_changed': {
      const severity = zendeskSeverity(valueOf(change.current)) ?? ticket.case.severity;
      const previous = zendeskSeverity(valueOf(change.previous));
      return mapped([event('forewarn.case.priority_changed', '', {
        case: { ...ticket.case, severity },
        reason: previous && severity ? `Priority changed from ${str(valueOf(change.previous))} to ${str(valueOf(change.current))}` : undefined,
      })]);
    }
    case 'ticket.agent_assignment_changed': {
      const current = change.current;
      const assigneeId = isObject(current) ? str(current.id) : str(current);
      const assigneeName = isObject(current) ? str(current.name) : undefined;
      if (!assigneeId && !assigneeName) return mapped([event('forewarn.case.updated', '', { reason: 'The ticket was unassigned' })]);
      return mapped([event('forewarn.case.assigned', '', { assignee: compact({ id: assigneeId, name: assigneeName }) })]);
    }
    case 'ticket.comment_added': {
      const comment = isObject(change.comment) ? change.comment : undefined;
      if (!comment) return invalidField('event.comment', 'is required for zen:event-type:ticket.comment_added');
      const authorId = str(at(comment, 'author.id'));
      const isStaff = at(comment, 'author.is_staff');
      const type = authorId === '-1' ? 'system' : authorId !== undefined && authorId === requesterId ? 'customer' : isStaff === false ? 'customer' : 'agent';
      const isPublic = typeof comment.is_public === 'boolean' ? comment.is_public : typeof comment.public === 'boolean' ? comment.public : undefined;
      return mapped([event('forewarn.case.commented', '', {
        actor: compact({ type, name: str(at(comment, 'author.name')) }),
        comment: compact({ public: isPublic, excerpt: excerpt(comment.body) }),
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
    case 'ticket.subject_changed':
    case 'ticket.organization_changed':
      return mapped([event('forewarn.case.updated', '')]);
    case 'ticket.merged':
      return mapped([event('forewarn.case.closed', '', { case: { ...ticket.case, status: 'closed' }, reason: 'Merged into another ticket in Zendesk' })]);
    case 'ticket.soft_deleted':
    case 'ticket.permanently_deleted':
    case 'ticket.marked_as_spam':
      return mapped([event('forewarn.case.closed', '', { case: { ...ticket.case, status: 'closed' }, reason: eventType === 'ticket.marked_as_spam' ? 'Marked as spam in Zendesk' : 'Deleted in Zendesk' })]);
    default:
      return ignored(`zen:event-type:${eventType} does not change how Forewarn sees the case`);
  }
}

/** Zendesk sends `current`/`previous` either as the value or as an object holding it. */
const valueOf = (value: unknown): unknown => (isObject(value) ? (value.status ?? value.priority ?? value.value ?? value.name) : value);

const difference = (a: string[] | undefined, b: string[] | undefined): string[] => (a ?? []).filter((t) => !(b ?? []).includes(t));

function ticketOfDetail(detail: Json): { account: Json | undefined; case: Json & { status?: CaseStatus; severity?: number }; subject: string } {
  const id = str(detail.id) as string;
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

function mapTrigger(payload: Json, context: MappingContext): MapResult {
  const parsed = triggerSchema.safeParse(payload);
  if (!parsed.success) return invalid(zodFieldErrors(parsed.error));
  const t = payload.ticket as Json;
  const id = str(t.id) as string;
  const requesterEmail = email(at(t, 'requester.email'));
  const requesterId = firstStr(t, 'requester.id');
  const account = accountRef({
    orgId: firstStr(t, 'organization.external_id', 'organization.id'),
    orgName: firstStr(t, 'organization.name'),
    requesterEmail,
    requesterId,
  });
  if (!account) return invalidField('ticket.requester.email', 'is required to tell which account the ticket is about (or ticket.organization.id)');
  const tags = tagList(t.tags);
  const status = zendeskStatus(t.status);
  const caseData = compact({
    id: `ZD-${id}`,
    title: str(t.title ?? t.subject)?.slice(0, 500),
    url: httpUrl(t.url ?? t.link),
    severity: zendeskSeverity(t.priority),
    status,
    escalationLevel: escalationFromTags(tags),
    product: str(t.product)?.slice(0, 200),
  });
  const user = isObject(payload.current_user) ? payload.current_user : {};
  const userEmail = email(user.email);
  const userRole = norm(str(user.role));
  const actorType = userRole === 'end user' || (requesterEmail && userEmail === requesterEmail) || (requesterId && str(user.id) === requesterId)
    ? 'customer'
    : userEmail || str(user.name) || userRole ? 'agent' : undefined;
  const actor = actorType ? compact({ type: actorType, name: str(user.name)?.slice(0, 300), email: userEmail }) : undefined;
  const satisfaction = isObject(payload.satisfaction) ? payload.satisfaction : {};
  const score = csatScore(satisfaction.rating ?? satisfaction.score);
  const commentText = excerpt(isObject(payload.comment) ? payload.comment.body : (payload.comment ?? t.latest_comment));
  const commentPublic = isObject(payload.comment) && typeof payload.comment.public === 'boolean' ? payload.comment.public : undefined;
  const time = toIsoTime(t.updated_at) ?? context.receivedAt.toISOString();
  const change: TriggerChange | undefined = parsed.data.change;
  const assignee = compact({ id: firstStr(t, 'assignee.id'), name: firstStr(t, 'assignee.name') });
  const previousStatus = zendeskStatus(payload.previous_status ?? t.previous_status);
  const delivery = stableId('zd', id, change ?? '', t.updated_at, status, t.priority, assignee, commentText, score, satisfaction.comment, tags, previousStatus);
  const base = { account, case: caseData, actor };
  const event = (type: EventType, suffix: string, data: Json = {}): MappedEvent => caseEvent(type, `${delivery}${suffix}`, time, `ZD-${id}`, { ...base, ...data });

  const survey = (): MapResult => {
    if (score === undefined) return ignored('The satisfaction rating is not a score (it is offered or unrated); nothing to record');
    // Keyed by the rating itself: a template that repeats an old rating on later updates records it once.
    return mapped([caseEvent('forewarn.survey.responded', stableId('zd-csat', id, score, satisfaction.comment), time, `ZD-${id}`, {
      ...base,
      actor: actor ?? compact({ type: 'customer', email: requesterEmail }),
      survey: compact({ kind: 'csat', score, comment: str(satisfaction.comment)?.slice(0, 5000) }),
    })]);
  };

  switch (change) {
    case 'created':
      return mapped([event('forewarn.case.opened', '', commentText ? { comment: { excerpt: commentText } } : {})]);
    case 'comment':
      if (!commentText) return invalidField('ticket.latest_comment', 'is required for a comment trigger');
      return mapped([event('forewarn.case.commented', '', { comment: compact({ public: commentPublic, excerpt: commentText }) })]);
    case 'status':
      return mapped(statusEvents(status, previousStatus, actorType, event));
    case 'priority':
      return mapped([event('forewarn.case.priority_changed', '')]);
    case 'assignee':
      if (!assignee.id && !assignee.name) return mapped([event('forewarn.case.updated', '', { reason: 'The ticket was unassigned' })]);
      return mapped([event('forewarn.case.assigned', '', { assignee })]);
    case 'escalated':
      return mapped([event('forewarn.case.escalated', '', { reason: commentText })]);
    case 'satisfaction':
      return survey();
    case 'updated':
    case undefined:
    default:
      if (change === undefined && score !== undefined) return survey();
      if (status === 'solved') return mapped([event('forewarn.case.resolved', '')]);
      if (status === 'closed') return mapped([event('forewarn.case.closed', '')]);
      return mapped([event('forewarn.case.updated', '')]);
  }
}
