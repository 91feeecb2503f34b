import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Local stand-ins for the five helpdesks' REST APIs, for the write-back tests. Each checks the
 * request its vendor documents — method, path, authentication, body — records a violation and
 * answers `400` (or `401`) when it is not that, and otherwise answers as the vendor does: the note
 * is kept on the case, the tag added, the case's notes listed. Faults are scripted: a `429` with
 * `Retry-After`, a `5xx`, an answer that never comes (a timeout), or a note kept and never
 * answered (`hold`: the caller cannot know it was written).
 */
export type Vendor = 'zendesk' | 'jira' | 'freshdesk' | 'servicenow' | 'intercom';

export interface KeptNote {
  caseId: string;
  text: string;
  internal: boolean;
  at: number;
}

export type Fault =
  | { status: number; headers?: Record<string, string>; body?: unknown }
  | 'hang'
  | 'hold';

/** What a fault applies to: calls that write a note, or any call. */
type FaultScope = 'note' | 'any';

export interface FakeHelpdesk {
  vendor: Vendor;
  url: string;
  /** The credentials it accepts. */
  user: string | null;
  token: string;
  notes: KeptNote[];
  tags: Map<string, string[]>;
  /** Every request: method, path, when. */
  requests: { method: string; path: string; at: number }[];
  /** Requests that were not what the vendor documents. */
  violations: string[];
  /** Case ids (the vendor's own) that exist. */
  cases: Set<string>;
  /** The next `times` calls (that write a note, or any) get `fault`. */
  failNext(fault: Fault, times?: number, scope?: FaultScope): void;
  /** Notes on a case holding `text` (the whole note when left out). */
  notesOn(caseId: string, text?: string): KeptNote[];
  close(): Promise<void>;
}

interface Exchange {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
}

type Reply = { status: number; body?: unknown; headers?: Record<string, string>; note?: KeptNote };

interface Routes {
  authorized(headers: IncomingHttpHeaders, desk: FakeHelpdesk): boolean;
  /** What the desk answers; `note` marks a call that writes a note. */
  handle(x: Exchange, desk: FakeHelpdesk, violation: (what: string) => Reply): Reply | null;
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const textOfAdf = (doc: unknown): string | null => {
  if (!isObject(doc) || doc.type !== 'doc' || doc.version !== 1 || !Array.isArray(doc.content)) return null;
  return doc.content.map((p) => (isObject(p) && Array.isArray(p.content) ? p.content.map((n) => (isObject(n) && n.type === 'text' ? String(n.text) : isObject(n) && n.type === 'hardBreak' ? '\n' : '')).join('') : '')).join('\n\n');
};

const ROUTES: Record<Vendor, Routes> = {
  // developer.zendesk.com: Tickets (Update Ticket), Ticket Comments (List Comments), Tags (Add Tags).
  zendesk: {
    authorized: (h, d) => h.authorization === basic(`${d.user}/token`, d.token),
    handle(x, desk, violation) {
      const ticket = /^\/api\/v2\/tickets\/(\d+)(\.json|\/tags\.json|\/comments\.json)$/.exec(x.path);
      if (!ticket) return null;
      const [, id, rest] = ticket;
      if (!desk.cases.has(id)) return { status: 404, body: { error: 'RecordNotFound', description: 'Not found' } };
      if (rest === '.json' && x.method === 'PUT') {
        const comment = isObject(x.body) && isObject(x.body.ticket) ? x.body.ticket.comment : undefined;
        if (!isObject(comment) || typeof comment.body !== 'string') return violation('PUT ticket without ticket.comment.body');
        if (comment.public !== false) return violation('a write-back comment must be private ("public": false)');
        return { status: 200, body: { ticket: { id: Number(id) }, audit: { events: [{ type: 'Comment', public: false }] } }, note: { caseId: id, text: comment.body, internal: true, at: Date.now() } };
      }
      if (rest === '/tags.json' && x.method === 'PUT') {
        if (!isObject(x.body) || !Array.isArray(x.body.tags)) return violation('PUT tags without "tags"');
        const tags = desk.tags.get(id) ?? [];
        desk.tags.set(id, [...new Set([...tags, ...(x.body.tags as string[])])]);
        return { status: 200, body: { tags: desk.tags.get(id) } };
      }
      if (rest === '/comments.json' && x.method === 'GET') {
        const comments = desk.notesOn(id).map((n, i) => ({ id: i + 1, type: 'Comment', body: n.text, html_body: `<p>${n.text}</p>`, public: false }));
        return { status: 200, body: { comments: x.query.get('sort_order') === 'desc' ? comments.reverse() : comments, next_page: null, count: comments.length } };
      }
      return violation(`${x.method} ${x.path} is not a Zendesk call write-back uses`);
    },
  },
  // developer.atlassian.com: Issue comments (Add comment, Get comments, v3 with ADF), Issues (Edit issue: update.labels).
  jira: {
    authorized: (h, d) => h.authorization === basic(d.user ?? '', d.token),
    handle(x, desk, violation) {
      const issue = /^\/rest\/api\/3\/issue\/([A-Z][A-Z0-9_]*-\d+)(\/comment)?$/.exec(x.path);
      if (!issue) return null;
      const [, key, comment] = issue;
      if (!desk.cases.has(key)) return { status: 404, body: { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} } };
      if (comment && x.method === 'POST') {
        const text = isObject(x.body) ? textOfAdf(x.body.body) : null;
        if (text === null) return violation('the comment body must be an Atlassian Document Format document');
        const properties = isObject(x.body) && Array.isArray(x.body.properties) ? x.body.properties : [];
        const internal = properties.some((p) => isObject(p) && p.key === 'sd.public.comment' && isObject(p.value) && p.value.internal === true);
        if (!internal) return violation('a write-back comment must be internal (sd.public.comment { internal: true })');
        return { status: 201, body: { id: String(desk.notes.length + 10000), body: (x.body as Record<string, unknown>).body, jsdPublic: false }, note: { caseId: key, text, internal, at: Date.now() } };
      }
      if (comment && x.method === 'GET') {
        const comments = desk.notesOn(key).map((n, i) => ({ id: String(10000 + i), body: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: n.text }] }] }, jsdPublic: false }));
        return { status: 200, body: { startAt: 0, maxResults: 100, total: comments.length, comments: x.query.get('orderBy') === '-created' ? comments.reverse() : comments } };
      }
      if (!comment && x.method === 'PUT') {
        const labels = isObject(x.body) && isObject(x.body.update) ? x.body.update.labels : undefined;
        if (!Array.isArray(labels) || !labels.every((l) => isObject(l) && typeof l.add === 'string')) return violation('labels are added with update.labels [{ add }]');
        desk.tags.set(key, [...new Set([...(desk.tags.get(key) ?? []), ...labels.map((l) => String((l as Record<string, unknown>).add))])]);
        return { status: 204 };
      }
      return violation(`${x.method} ${x.path} is not a Jira call write-back uses`);
    },
  },
  // developers.freshdesk.com/api: Conversations (Create a Note, List all Conversations of a Ticket), Tickets (View, Update).
  freshdesk: {
    authorized: (h, d) => h.authorization === basic(d.token, 'X'),
    handle(x, desk, violation) {
      const ticket = /^\/api\/v2\/tickets\/(\d+)(\/notes|\/conversations)?$/.exec(x.path);
      if (!ticket) return null;
      const [, id, sub] = ticket;
      if (!desk.cases.has(id)) return { status: 404, body: { code: 'access_denied', message: 'Record not found' } };
      if (sub === '/notes' && x.method === 'POST') {
        if (!isObject(x.body) || typeof x.body.body !== 'string') return violation('a note needs "body" (HTML)');
        if (x.body.private !== true) return violation('a write-back note must be private ("private": true)');
        return { status: 201, body: { id: desk.notes.length + 1, body: x.body.body, private: true, ticket_id: Number(id) }, note: { caseId: id, text: x.body.body, internal: true, at: Date.now() } };
      }
      if (sub === '/conversations' && x.method === 'GET') {
        const page = Number(x.query.get('page') ?? '1');
        const perPage = Number(x.query.get('per_page') ?? '30');
        const all = desk.notesOn(id).map((n, i) => ({ id: i + 1, body: n.text, body_text: n.text, private: true }));
        return { status: 200, body: all.slice((page - 1) * perPage, page * perPage) };
      }
      if (!sub && x.method === 'GET') return { status: 200, body: { id: Number(id), tags: desk.tags.get(id) ?? [] } };
      if (!sub && x.method === 'PUT') {
        if (!isObject(x.body) || !Array.isArray(x.body.tags)) return violation('PUT ticket without "tags"');
        desk.tags.set(id, x.body.tags as string[]);
        return { status: 200, body: { id: Number(id), tags: x.body.tags } };
      }
      return violation(`${x.method} ${x.path} is not a Freshdesk call write-back uses`);
    },
  },
  // ServiceNow Table API: GET /api/now/table/{table} (sysparm_query), GET and PATCH /api/now/table/{table}/{sys_id}.
  servicenow: {
    authorized: (h, d) => h.authorization === basic(d.user ?? '', d.token),
    handle(x, desk, violation) {
      const table = /^\/api\/now\/table\/([a-z_]+)(?:\/([0-9a-f]{32}))?$/.exec(x.path);
      if (!table) return null;
      const [, name, sysId] = table;
      const sysIdOf = (number: string) => createHash('md5').update(number).digest('hex');
      const numberOf = (id: string) => [...desk.cases].find((n) => sysIdOf(n) === id);
      if (!sysId && x.method === 'GET') {
        const number = /^number=(.+)$/.exec(x.query.get('sysparm_query') ?? '')?.[1];
        if (!number) return violation('records are found with sysparm_query=number=…');
        return { status: 200, body: { result: desk.cases.has(number) ? [{ sys_id: sysIdOf(number) }] : [] } };
      }
      const number = sysId ? numberOf(sysId) : undefined;
      if (!number) return { status: 404, body: { error: { message: 'No Record found', detail: 'Record doesn\'t exist or ACL restricts the record retrieval' }, status: 'failure' } };
      if (x.method === 'PATCH') {
        if (!isObject(x.body) || typeof x.body.work_notes !== 'string') return violation('a work note is PATCHed as { "work_notes": "…" }');
        if ('comments' in x.body) return violation('write-back must not add customer-visible comments');
        return { status: 200, body: { result: { sys_id: sysId, number, sys_class_name: name } }, note: { caseId: number, text: x.body.work_notes, internal: true, at: Date.now() } };
      }
      if (x.method === 'GET') {
        if (x.query.get('sysparm_display_value') !== 'true') return violation('journal entries are read with sysparm_display_value=true');
        return { status: 200, body: { result: { work_notes: desk.notesOn(number).map((n) => `2026-11-25 10:43:00 - Forewarn Integration (Work notes)\n${n.text}`).join('\n\n') } } };
      }
      return violation(`${x.method} ${x.path} is not a ServiceNow call write-back uses`);
    },
  },
  // developers.intercom.com: Conversations (Reply, Retrieve, Add tag), Tickets (Reply, Add tag), Tags (Create or update).
  intercom: {
    authorized: (h, d) => h.authorization === `Bearer ${d.token}`,
    handle(x, desk, violation) {
      if (!x.headers['intercom-version']) return violation('Intercom calls name the API version (Intercom-Version)');
      if (x.path === '/tags' && x.method === 'POST') {
        if (!isObject(x.body) || typeof x.body.name !== 'string') return violation('a tag is created with { "name" }');
        return { status: 200, body: { type: 'tag', id: `tag-${x.body.name.length}`, name: x.body.name } };
      }
      const item = /^\/(conversations|tickets)\/([A-Za-z0-9_-]+)(\/reply|\/tags)?$/.exec(x.path);
      if (!item) return null;
      const [, collection, id, sub] = item;
      const caseId = `${collection === 'tickets' ? 'T' : 'C'}${id}`;
      if (!desk.cases.has(caseId)) return { status: 404, body: { type: 'error.list', errors: [{ code: 'not_found', message: 'Resource Not Found' }] } };
      if (sub === '/reply' && x.method === 'POST') {
        const b = isObject(x.body) ? x.body : {};
        if (b.message_type !== 'note' || b.type !== 'admin') return violation('an internal note is a reply with message_type note, type admin');
        if (b.admin_id !== desk.user) return violation('the note must name the admin (admin_id)');
        if (typeof b.body !== 'string') return violation('the note needs a body');
        return { status: 200, body: { type: collection === 'tickets' ? 'ticket_part' : 'conversation', id }, note: { caseId, text: b.body, internal: true, at: Date.now() } };
      }
      if (sub === '/tags' && x.method === 'POST') {
        if (!isObject(x.body) || typeof x.body.id !== 'string' || x.body.admin_id !== desk.user) return violation('a tag is added with { "id", "admin_id" }');
        desk.tags.set(caseId, [...new Set([...(desk.tags.get(caseId) ?? []), x.body.id])]);
        return { status: 200, body: { type: 'tag', id: x.body.id } };
      }
      if (!sub && x.method === 'GET') {
        const parts = desk.notesOn(caseId).map((n, i) => ({ type: 'conversation_part', id: String(i), part_type: 'note', body: n.text }));
        const key = collection === 'tickets' ? 'ticket_parts' : 'conversation_parts';
        return { status: 200, body: { type: collection === 'tickets' ? 'ticket' : 'conversation', id, [key]: { type: key.replace('_', '.'), [key]: parts, total_count: parts.length } } };
      }
      return violation(`${x.method} ${x.path} is not an Intercom call write-back uses`);
    },
  },
};

const readBody = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });

/** Starts one vendor's fake API on 127.0.0.1 with these credentials and cases (the vendor's own ids). */
export async function startFakeHelpdesk(vendor: Vendor, options: { user: string | null; token: string; cases: string[] }): Promise<FakeHelpdesk> {
  const faults: { fault: Fault; scope: FaultScope }[] = [];
  const hanging = new Set<ServerResponse>();
  const desk: FakeHelpdesk = {
    vendor, url: '', user: options.user, token: options.token, notes: [], tags: new Map(), requests: [], violations: [], cases: new Set(options.cases),
    failNext(fault, times = 1, scope = 'note') {
      for (let i = 0; i < times; i++) faults.push({ fault, scope });
    },
    notesOn(caseId, text) {
      return desk.notes.filter((n) => n.caseId === caseId && (text === undefined || n.text.includes(text)));
    },
    async close() {
      for (const response of hanging) response.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const routes = ROUTES[vendor];
  const send = (response: ServerResponse, reply: Reply) => {
    response.writeHead(reply.status, { ...(reply.body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }), ...reply.headers });
    response.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
  };
  const server: Server = createServer(async (request, response) => {
    const raw = await readBody(request);
    const url = new URL(request.url ?? '/', 'http://fake');
    desk.requests.push({ method: request.method ?? '', path: `${url.pathname}${url.search}`, at: Date.now() });
    let body: unknown = null;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        desk.violations.push(`${request.method} ${url.pathname}: the body is not JSON`);
        return send(response, { status: 400, body: { error: 'invalid JSON' } });
      }
      if (!String(request.headers['content-type']).startsWith('application/json')) desk.violations.push(`${request.method} ${url.pathname}: a JSON body without Content-Type application/json`);
    }
    if (!routes.authorized(request.headers, desk)) return send(response, { status: 401, body: { error: 'Couldn\'t authenticate you' } });
    const violation = (what: string): Reply => {
      desk.violations.push(`${request.method} ${url.pathname}: ${what}`);
      return { status: 400, body: { error: 'InvalidRequest', description: what } };
    };
    // Faults in order: one for any call applies to this one; one for notes waits for a call that writes a note.
    const next = faults[0];
    if (next?.scope === 'any') {
      faults.shift();
      return applyFault(next.fault, response, null);
    }
    const exchange = { method: request.method ?? '', path: url.pathname, query: url.searchParams, headers: request.headers, body };
    const reply = routes.handle(exchange, desk, violation) ?? violation(`${request.method} ${url.pathname} is not a ${vendor} API path`);
    if (reply.note && next?.scope === 'note') {
      faults.shift();
      return applyFault(next.fault, response, reply.note);
    }
    if (reply.note) desk.notes.push(reply.note);
    send(response, reply);
  });
  const applyFault = (fault: Fault, response: ServerResponse, note: KeptNote | null) => {
    if (fault === 'hang') {
      hanging.add(response);
      return;
    }
    if (fault === 'hold') {
      // The note is written, and the answer never comes: the caller cannot tell.
      if (note) desk.notes.push(note);
      hanging.add(response);
      return;
    }
    send(response, { status: fault.status, headers: fault.headers, body: fault.body ?? { error: `fake ${fault.status}` } });
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  desk.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return desk;
}
