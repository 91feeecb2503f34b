import type { CaseStatus, EventType } from '@forewarn/contracts';
import {
  accountRef, at, caseEvent, compact, csatScore, email, eventId, eventTime, excerpt, ignored, invalidField, isDone, isObject, type Json,
  mapped, norm, stableId, str, timeIn,
} from '../common';
import { escalationFromTags, tagList } from '../escalation';
import type { MappedEvent, MapResult, MappingContext } from '../types';

/**
 * Jira Cloud, Jira Data Center and Jira Service Management webhooks → canonical events.
 *
 * `jira:issue_created`, `jira:issue_updated` (read item by item from `changelog.items`, so one
 * delivery may yield several events), `jira:issue_deleted` and `comment_created`. JSM specifics:
 * customers are users with `accountType: "customer"`, `jsdPublic: false` marks an internal
 * comment, organizations, SLA fields (`ongoingCycle.breached`), the request type and the
 * satisfaction field are found by their shape because their custom field ids differ from site to
 * site. Deliveries carry only some fields (Jira Cloud's `comment_created` has no reporter; Data
 * Center's has no issue at all): what is missing falls back, it is never a refusal.
 */
export const JIRA_EVENTS_MAPPED = ['jira:issue_created', 'jira:issue_updated', 'jira:issue_deleted', 'comment_created'] as const;

const SEVERITY_BY_NAME: [RegExp, number][] = [
  [/^(highest|blocker|critical|urgent|p0|p1|sev ?1|emergency)\b/, 1],
  [/^(high|major|p2|sev ?2)\b/, 2],
  [/^(medium|normal|moderate|p3|sev ?3)\b/, 3],
  [/^(low|lowest|minor|trivial|p4|p5|sev ?4|planning)\b/, 4],
];

/** Jira priority → severity 1 (critical) … 4 (low), by name; Jira's default ids (1 Highest … 5 Lowest) as a fallback. */
export function jiraSeverity(name: unknown, id?: unknown): number | undefined {
  const label = norm(str(name));
  for (const [pattern, severity] of SEVERITY_BY_NAME) if (pattern.test(label)) return severity;
  const n = Number(str(id));
  return Number.isInteger(n) && n >= 1 && n <= 5 ? Math.min(n, 4) : undefined;
}

const PROPOSED = /propos|awaiting (customer )?(confirmation|approval)|pending (customer )?(confirmation|approval)|waiting for (customer )?(confirmation|approval)/;
const ESCALATED = /escalat/;

/** Jira status (name and category) → canonical status. */
export function jiraStatus(name: unknown, categoryKey?: unknown): CaseStatus | undefined {
  const label = norm(str(name));
  const category = norm(str(categoryKey));
  if (/resolv/.test(label) || PROPOSED.test(label)) return 'solved';
  if (/^(closed|done|cancel+ed|declined|rejected|won't (do|fix)|completed)$/.test(label)) return 'closed';
  if (/waiting for customer|pending|awaiting|waiting on customer/.test(label)) return 'pending';
  if (/hold/.test(label)) return 'on_hold';
  if (/^(open|reopened|waiting for support|in progress|escalated|work in progress|investigating)$/.test(label)) return 'open';
  if (category === 'done') return 'closed';
  if (category === 'indeterminate') return 'open';
  if (category === 'new') return /^(new|to do|backlog)$/.test(label) ? 'new' : 'open';
  return label ? 'open' : undefined;
}

export function mapJira(payload: unknown, context: MappingContext): MapResult {
  if (!isObject(payload)) return invalidField('(body)', 'must be a JSON object');
  const webhookEvent = str(payload.webhookEvent);
  if (!webhookEvent) return invalidField('webhookEvent', 'is required: this is not a Jira webhook delivery');
  if (!(['jira:issue_created', 'jira:issue_updated', 'jira:issue_deleted', 'comment_created'] as string[]).includes(webhookEvent)) {
    if (webhookEvent === 'comment_updated' || webhookEvent === 'comment_deleted') return ignored(`${webhookEvent}: Forewarn counts comments when they are written, not when they are edited or removed`);
    return ignored(`${webhookEvent} is not an issue or comment event; Forewarn maps jira:issue_created|updated|deleted and comment_created`);
  }
  const comment = isObject(payload.comment) ? payload.comment : undefined;
  if (!isObject(payload.issue)) {
    if (webhookEvent === 'comment_created') {
      return ignored('comment_created without its issue (Jira Data Center sends the comment alone): subscribe to jira:issue_updated, which carries the comment with its issue');
    }
    return invalidField('issue', `is required for ${webhookEvent}`);
  }
  const issue = payload.issue;
  const key = str(issue.key);
  if (!key) return invalidField('issue.key', 'is required: the issue key is the case id');
  const fields = isObject(issue.fields) ? issue.fields : {};
  const time = eventTime(context, payload.timestamp, fields.updated, comment?.created);
  const user = isObject(payload.user) ? payload.user : undefined;
  const actor = user ? personOf(user, fields) : undefined;
  const commentAuthor = comment && isObject(comment.author) ? comment.author : undefined;
  const snapshot = snapshotOf(issue, fields, [user, commentAuthor]);
  if (!snapshot.account) {
    return ignored(`${webhookEvent} on ${key} names no customer (reporter, JSM organization) and no project, so no account can be told`);
  }
  const base = { account: snapshot.account, case: snapshot.case };
  const issueId = str(issue.id) ?? key;
  const event = (type: EventType, id: string, data: Json = {}, eventTime = time): MappedEvent => caseEvent(type, id, eventTime, key, { ...base, actor, ...data });
  const stateEvents = stateDerivedEvents(issueId, key, fields, base, time);

  if (webhookEvent === 'jira:issue_created') {
    const requestType = snapshot.requestType ? `Request type: ${snapshot.requestType}` : undefined;
    return mapped([event('forewarn.case.opened', eventId('jira', issueId, 'created'), { actor: actor ?? reporterActor(fields), reason: requestType }), ...stateEvents]);
  }
  if (webhookEvent === 'jira:issue_deleted') {
    return mapped([event('forewarn.case.closed', eventId('jira', issueId, 'deleted'), { case: { ...snapshot.case, status: 'closed' }, reason: 'The issue was deleted in Jira' })]);
  }
  if (webhookEvent === 'comment_created') {
    if (!comment) return mapped(stateEvents, ['comment_created without a comment: nothing to record']);
    return mapped([commentEvent(comment, issueId, key, fields, base, time, context), ...stateEvents]);
  }

  // jira:issue_updated: one event per meaningful changelog item, plus the comment it may carry.
  const changelog = isObject(payload.changelog) ? payload.changelog : {};
  const items = Array.isArray(changelog.items) ? changelog.items.filter(isObject) : [];
  const changeId = str(changelog.id) ?? stableId('c', payload.timestamp, items, comment?.id);
  const item = (name: string) => items.find((i) => norm(str(i.fieldId) ?? str(i.field)) === name || norm(str(i.field)) === name);
  const events: MappedEvent[] = [];
  const id = (suffix: string) => eventId('jira', issueId, changeId, suffix);

  const status = item('status');
  const resolution = item('resolution');
  if (status) {
    const to = snapshot.case.status ?? jiraStatus(status.toString);
    const fromName = str(status.fromString);
    const from = jiraStatus(fromName);
    const toName = norm(str(status.toString));
    const resolutionCleared = resolution !== undefined && str(resolution.from ?? resolution.fromString) !== undefined && str(resolution.to ?? resolution.toString) === undefined;
    if ((isDone(from) || resolutionCleared) && !isDone(to)) {
      events.push(event('forewarn.case.reopened', id('reopened'), { reason: `Reopened: ${fromName ?? 'done'} → ${str(status.toString) ?? 'open'}` }));
      if (actor?.type === 'customer') events.push(event('forewarn.case.resolution_rejected', id('rejected'), { reason: 'The customer reopened the request after it was resolved' }));
    } else if (PROPOSED.test(toName)) {
      events.push(event('forewarn.case.resolution_proposed', id('proposed'), { reason: `Moved to ${str(status.toString)}` }));
    } else if (to === 'solved') {
      events.push(event('forewarn.case.resolved', id('resolved'), { reason: str(at(fields, 'resolution.name')) }));
    } else if (to === 'closed') {
      events.push(event('forewarn.case.closed', id('closed'), { reason: str(at(fields, 'resolution.name')) }));
    } else if (ESCALATED.test(toName)) {
      events.push(event('forewarn.case.escalated', id('escalated'), { reason: `Moved to ${str(status.toString)}` }));
    } else if (ESCALATED.test(norm(fromName))) {
      events.push(event('forewarn.case.de_escalated', id('de-escalated'), { reason: `Moved from ${fromName} to ${str(status.toString)}` }));
    } else {
      events.push(event('forewarn.case.updated', id('status'), { reason: `Status ${fromName ?? '?'} → ${str(status.toString) ?? '?'}` }));
    }
  }

  const priority = item('priority');
  if (priority) {
    const severity = jiraSeverity(priority.toString, priority.to) ?? (snapshot.case.severity as number | undefined);
    events.push(event('forewarn.case.priority_changed', id('priority'), {
      case: compact({ ...snapshot.case, severity }),
      reason: `Priority ${str(priority.fromString) ?? 'none'} → ${str(priority.toString) ?? 'none'}`,
    }));
  }

  const assignee = item('assignee');
  if (assignee) {
    const to = str(assignee.tmpToAccountId) ?? str(assignee.to);
    const name = str(assignee.toString);
    if (to || name) events.push(event('forewarn.case.assigned', id('assignee'), { assignee: compact({ id: to?.slice(0, 200), name: name?.slice(0, 300) }) }));
    else events.push(event('forewarn.case.updated', id('unassigned'), { reason: 'The issue was unassigned' }));
  }

  const labels = item('labels');
  if (labels) {
    const before = escalationFromTags(tagList(labels.fromString)) ?? 0;
    const after = escalationFromTags(tagList(labels.toString)) ?? 0;
    if (after > before) events.push(event('forewarn.case.escalated', id('labels'), { reason: `Labelled ${str(labels.toString)}` }));
    else if (after < before) events.push(event('forewarn.case.de_escalated', id('labels'), { reason: 'Escalation label removed' }));
  }

  if (comment) events.push(commentEvent(comment, issueId, key, fields, base, time, context));

  if (events.length === 0) {
    const tracked = items.filter((i) => TRACKED_UPDATES.has(norm(str(i.fieldId) ?? str(i.field))) || TRACKED_UPDATES.has(norm(str(i.field))));
    if (tracked.length > 0) events.push(event('forewarn.case.updated', id('updated'), { reason: `Changed ${tracked.map((i) => str(i.field)).join(', ')}` }));
  }
  if (events.length === 0 && stateEvents.length === 0) {
    const names = items.map((i) => str(i.field)).filter(Boolean);
    return ignored(names.length > 0
      ? `jira:issue_updated changed only fields Forewarn does not track (${names.join(', ')})`
      : 'jira:issue_updated without a changelog or comment: nothing changed that Forewarn tracks');
  }
  return mapped([...events, ...stateEvents]);
}

/** Changes that count as activity on the case even though they are not a status, priority or owner change. */
const TRACKED_UPDATES = new Set(['summary', 'description', 'duedate', 'components', 'component', 'issuetype', 'reporter', 'labels', 'attachment', 'organizations', 'request type', 'request participants']);

interface Snapshot { account: Json | undefined; case: Json & { status?: CaseStatus; severity?: number }; requestType?: string }

/**
 * The case and its account as the delivery shows them. The account: the JSM organization, else
 * the reporter (else the creator), else a customer who acted (the comment's author, the user),
 * else the project (`project:<KEY>`: for sites with a project per customer, give the account that
 * external ref; otherwise the event waits as unmapped and says so).
 */
function snapshotOf(issue: Json, fields: Json, others: (Json | undefined)[]): Snapshot {
  const key = str(issue.key) as string;
  const organization = organizationsOf(fields)[0];
  const reporter = isObject(fields.reporter) ? fields.reporter : isObject(fields.creator) ? fields.creator : undefined;
  const customer = reporter ?? others.find((p): p is Json => p !== undefined && (str(p.accountType) === 'customer'));
  const labels = tagList(fields.labels);
  const statusName = str(at(fields, 'status.name'));
  const labelLevel = escalationFromTags(labels);
  const requestType = requestTypeOf(fields);
  const escalated = ESCALATED.test(norm(statusName)) || ESCALATED.test(norm(requestType));
  const escalationLevel = escalated ? Math.max(1, labelLevel ?? 0) : labelLevel;
  const components = Array.isArray(fields.components) ? fields.components.filter(isObject) : [];
  const projectKey = str(at(fields, 'project.key')) ?? /^([A-Z][A-Z0-9_]+)-\d+$/.exec(key)?.[1];
  const account = accountRef({
    orgId: organization?.id,
    orgName: organization?.name,
    requesterEmail: email(customer?.emailAddress),
    requesterId: str(customer?.accountId) ?? str(customer?.key) ?? str(customer?.name),
  }) ?? (projectKey ? { externalId: `project:${projectKey}`, ...(str(at(fields, 'project.name')) ? { name: str(at(fields, 'project.name'))?.slice(0, 300) } : {}) } : undefined);
  return {
    account,
    requestType,
    case: compact({
      id: key,
      title: str(fields.summary)?.slice(0, 500),
      url: browseUrl(issue.self, key),
      severity: jiraSeverity(at(fields, 'priority.name'), at(fields, 'priority.id')),
      status: jiraStatus(statusName, at(fields, 'status.statusCategory.key')),
      escalationLevel,
      product: components[0] ? str(components[0].name)?.slice(0, 200) : undefined,
    }),
  };
}

/** The JSM request type: a `customfield_*` holding `{ requestType: { name } }`. */
function requestTypeOf(fields: Json): string | undefined {
  for (const [name, value] of Object.entries(fields)) {
    if (name.startsWith('customfield_') && isObject(value) && isObject(value.requestType)) return str(value.requestType.name)?.slice(0, 200);
  }
  return undefined;
}

/** `https://acme.atlassian.net/rest/api/2/issue/10042` → `https://acme.atlassian.net/browse/SUP-42`. */
function browseUrl(self: unknown, key: string): string | undefined {
  const text = str(self);
  if (!text) return undefined;
  try {
    const url = new URL(text);
    return `${url.origin}/browse/${encodeURIComponent(key)}`;
  } catch {
    return undefined;
  }
}

/** JSM organizations: a custom field holding `[{ id, name, _links: { self: …/servicedeskapi/organization/… } }]`. */
function organizationsOf(fields: Json): { id: string; name?: string }[] {
  for (const [name, value] of Object.entries(fields)) {
    if (!name.startsWith('customfield_') || !Array.isArray(value)) continue;
    const orgs = value.filter((v): v is Json => isObject(v) && /\/organization\/\d+/.test(str(at(v, '_links.self')) ?? ''));
    if (orgs.length > 0) return orgs.map((o) => ({ id: str(o.id) as string, name: str(o.name) })).filter((o) => o.id);
  }
  return [];
}

const isServiceDesk = (fields: Json): boolean => str(at(fields, 'project.projectTypeKey')) === 'service_desk';

/** customer (JSM customer account, or the reporter of a service desk request), app → system, else agent. */
/** A Cloud user has an `accountId`; a Data Center user a `key` and a `name`. */
const userId = (user: unknown): string | undefined => (isObject(user) ? str(user.accountId) ?? str(user.key) ?? str(user.name) : undefined);

function personOf(user: Json, fields: Json): Json {
  const accountType = str(user.accountType);
  const reporterId = userId(fields.reporter);
  const type = accountType === 'customer' || (isServiceDesk(fields) && reporterId !== undefined && userId(user) === reporterId)
    ? 'customer'
    : accountType === 'app' ? 'system' : 'agent';
  return compact({ type, name: str(user.displayName)?.slice(0, 300), email: email(user.emailAddress) });
}

function reporterActor(fields: Json): Json | undefined {
  return isObject(fields.reporter) ? personOf(fields.reporter, fields) : undefined;
}

function commentEvent(comment: Json, issueId: string, key: string, fields: Json, base: Json, time: string, context: MappingContext): MappedEvent {
  // Without an author the actor is unknown (left out), not guessed.
  const author = isObject(comment.author) ? personOf(comment.author, fields) : undefined;
  // JSM marks internal comments with jsdPublic: false; Jira Software restricts them with a visibility.
  const isPublic = !(comment.jsdPublic === false || isObject(comment.visibility));
  return caseEvent('forewarn.case.commented', eventId('jira', issueId, 'comment', str(comment.id) ?? stableId('c', comment.body)), timeIn(context, comment.created) ?? time, key, {
    ...base,
    actor: author,
    comment: compact({ public: isPublic, excerpt: excerpt(typeof comment.body === 'string' ? comment.body : adfText(comment.body)) }),
  });
}

/** Plain text of an Atlassian Document Format body (REST v3), for sites that send it. */
function adfText(node: unknown): string {
  if (!isObject(node)) return '';
  if (node.type === 'text' && typeof node.text === 'string') return node.text;
  const children = Array.isArray(node.content) ? node.content.map(adfText).join(node.type === 'doc' ? '\n' : '') : '';
  return node.type === 'paragraph' ? `${children}\n` : children;
}

/**
 * Facts Jira carries as state rather than as a change: a breached JSM SLA and a satisfaction
 * rating. Their ids are derived from the state (issue, field, SLA cycle or rating), so repeating
 * the state in later deliveries yields the same ids and counts once downstream.
 */
function stateDerivedEvents(issueId: string, key: string, fields: Json, base: Json, time: string): MappedEvent[] {
  const events: MappedEvent[] = [];
  for (const [fieldId, value] of Object.entries(fields)) {
    if (!fieldId.startsWith('customfield_') || !isObject(value)) continue;
    const cycles = [value.ongoingCycle, ...(Array.isArray(value.completedCycles) ? value.completedCycles : [])].filter(isObject);
    if (cycles.length > 0 && (value.ongoingCycle !== undefined || value.completedCycles !== undefined)) {
      for (const cycle of cycles.filter((c) => c.breached === true)) {
        const start = str(at(cycle, 'startTime.epochMillis')) ?? str(at(cycle, 'startTime.iso8601')) ?? '';
        events.push(caseEvent('forewarn.case.sla_breached', stableId('jira-sla', issueId, fieldId, start), timeIn({}, at(cycle, 'breachTime.iso8601')) ?? timeIn({}, at(cycle, 'breachTime.epochMillis')) ?? time, key, {
          ...base,
          actor: { type: 'system' },
          reason: `SLA "${str(value.name) ?? fieldId}" breached`,
        }));
      }
      continue;
    }
    const score = typeof value.rating === 'number' ? csatScore(value.rating) : undefined;
    if (score !== undefined) {
      const comment = str(value.comment) ?? str(at(value, 'comment.body'));
      events.push(caseEvent('forewarn.survey.responded', stableId('jira-csat', issueId, fieldId, score, comment), time, key, {
        ...base,
        actor: reporterActor(fields) ?? { type: 'customer' },
        survey: compact({ kind: 'csat', score, comment: comment?.slice(0, 5000) }),
      }));
    }
  }
  return events;
}
