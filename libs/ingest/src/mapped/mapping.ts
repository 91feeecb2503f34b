import { EVENT_TYPES, type EventType, type FieldError, type InboundEvent, parseInboundEvent } from '@forewarn/contracts';
import jsonata from 'jsonata';
import { domainOf, email, isObject, type Json, stableId, toIsoTime } from '../common';
import type { IgnoredPart, MappedEvent, MappingContext } from '../types';

const NO_EVENT = 'the mapping produced no event for this delivery';

/**
 * Declarative mappings for systems Forewarn has no adapter for: a JSONata expression stored with a
 * source of kind `mapped` turns the system's own webhook JSON into canonical CloudEvents. Pure
 * apart from JSONata's own evaluation (which is asynchronous); the gateway validates the result
 * with `parseInboundEvent` exactly like events posted to /v1/events.
 */
export const MAPPED_KIND = 'mapped';

/** Bounds on one evaluation, so a mapping with an endless recursion cannot hold a gateway request. */
export const MAPPING_LIMITS = {
  /** Characters of mapping text. */
  maxLength: 100_000,
  /** Milliseconds one evaluation may take. */
  timeoutMs: 1_000,
  /** Nesting depth of one evaluation. */
  stack: 500,
  /** Length of any sequence the mapping builds. */
  sequence: 10_000,
  /** Nesting of what the mapping returns (events are a few levels deep). */
  outputDepth: 64,
} as const;

/** Whether a JSON value nests deeper than `max`, without recursion (a hostile payload may be 10,000 deep). */
function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

/** What JSONata said when a mapping did not compile or threw while it ran. */
export interface MappingError {
  /** JSONata's error code (`S0211` syntax, `T2002` type, `D1012` timeout, `D3137` from `$error()`), or `F0001` for Forewarn's own checks. */
  code: string;
  message: string;
  /** Character offset in the mapping where JSONata noticed the problem. */
  position?: number;
  token?: string;
  /** `line:column` of `position` in the mapping text, for people. */
  at?: string;
}

export interface MappingInput extends MappingContext {
  /** The source name, bound as `$source` and part of generated event ids. */
  source?: string;
  /** Request headers (lower-case names), bound as `$headers`; credentials are never passed. */
  headers?: Record<string, string>;
}

export type MappingOutcome =
  | { status: 'mapped'; events: MappedEvent[] }
  /** The mapping returned nothing (no value, null, or an empty array): a valid delivery it ignores. */
  | { status: 'ignored'; reason: string; ignored: IgnoredPart[] }
  /** The mapping threw (`$error()`, a type error, the time limit): nothing is accepted. */
  | { status: 'failed'; error: MappingError }
  /** The mapping returned something that is not an event object; the errors name where. */
  | { status: 'invalid'; errors: FieldError[] };

const lineColumn = (text: string, position: number | undefined): string | undefined => {
  if (position === undefined || !Number.isFinite(position)) return undefined;
  const before = text.slice(0, Math.max(0, position));
  const lines = before.split('\n');
  return `${lines.length}:${lines[lines.length - 1].length}`;
};

function toMappingError(error: unknown, text: string): MappingError {
  const e = error as { code?: unknown; message?: unknown; position?: unknown; token?: unknown };
  const position = typeof e.position === 'number' ? e.position : undefined;
  const at = lineColumn(text, position);
  return {
    code: typeof e.code === 'string' ? e.code : 'F0001',
    message: typeof e.message === 'string' ? e.message : String(error),
    ...(position !== undefined ? { position } : {}),
    ...(e.token !== undefined && e.token !== null && e.token !== '' ? { token: String(e.token) } : {}),
    ...(at ? { at } : {}),
  };
}

/** Renders a mapping error as one line: `S0211 at 3:14: The symbol "}" cannot be used as a unary operator`. */
export const describeMappingError = (error: MappingError): string => `${error.code}${error.at ? ` at ${error.at}` : ''}: ${error.message}`;

/** A compiled mapping; compile once per mapping text and evaluate per delivery. */
export class CompiledMapping {
  constructor(readonly text: string, private readonly expression: jsonata.Expression) {}

  evaluate(payload: unknown, bindings: Record<string, unknown>): Promise<unknown> {
    return this.expression.evaluate(payload, bindings);
  }
}

/** Helpers a mapping may call besides JSONata's own functions. */
function registerHelpers(expression: jsonata.Expression): void {
  // $id(part, …): a short deterministic id from the parts, e.g. $id(ticket.id, event, updated_at).
  expression.registerFunction('id', function (this: jsonata.Focus, ...parts: unknown[]) {
    const source: unknown = this.environment.lookup('source');
    return stableId(typeof source === 'string' && source ? source : 'mapped', ...parts);
  }, '<x+:s>');
  // $time(value): RFC 3339 from ISO strings, epoch seconds or milliseconds, "yyyy-MM-dd HH:mm:ss" (UTC).
  expression.registerFunction('time', (value: unknown) => toIsoTime(value), '<x-:s>');
  // $domain(address): the lower-cased domain of an email address.
  expression.registerFunction('domain', (value: unknown) => domainOf(email(value)), '<x-:s>');
}

/** Compiles a mapping, or says why it does not compile (with the position in the text). */
export function compileMapping(text: string): { ok: true; mapping: CompiledMapping } | { ok: false; error: MappingError } {
  if (typeof text !== 'string' || text.trim() === '') return { ok: false, error: { code: 'F0001', message: 'The mapping is empty.' } };
  if (text.length > MAPPING_LIMITS.maxLength) return { ok: false, error: { code: 'F0001', message: `The mapping is longer than ${MAPPING_LIMITS.maxLength} characters.` } };
  try {
    const expression = jsonata(text, { timeout: MAPPING_LIMITS.timeoutMs, stack: MAPPING_LIMITS.stack, sequence: MAPPING_LIMITS.sequence });
    registerHelpers(expression);
    return { ok: true, mapping: new CompiledMapping(text, expression) };
  } catch (error) {
    return { ok: false, error: toMappingError(error, text) };
  }
}

const SHORT_TYPES = new Map<string, EventType>(EVENT_TYPES.map((type) => [type.slice('forewarn.'.length), type]));

/** Headers a mapping must never see. */
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization', 'x-api-key']);

/** Nulls and blank strings are what JSON webhooks send for "not set": the contract wants them absent. */
function withoutBlanks(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutBlanks).filter((v) => v !== undefined);
  if (isObject(value)) {
    const entries = Object.entries(value).map(([k, v]) => [k, withoutBlanks(v)] as const).filter(([, v]) => v !== undefined);
    return Object.fromEntries(entries);
  }
  if (value === null) return undefined;
  if (typeof value === 'string' && value.trim() === '') return undefined;
  return value;
}

/**
 * Fills in what a mapping may leave out: `specversion` 1.0; `type` without the `forewarn.` prefix;
 * `id` as a hash of the event the mapping built (the same delivery gives the same id); `time` as
 * the time of receipt, or any time `$time()` understands converted to RFC 3339.
 */
function completeEvent(raw: Json, input: MappingInput): MappedEvent {
  const { id, time, type, specversion, source: _source, forewarnreceivedat: _received, ...rest } = raw;
  const fullType = typeof type === 'string' && !type.startsWith('forewarn.') && SHORT_TYPES.has(type) ? SHORT_TYPES.get(type) : type;
  const eventTime = time === undefined ? input.receivedAt.toISOString() : (toIsoTime(time) ?? time);
  const eventId = id === undefined ? stableId(input.source ? `mapped-${input.source}` : 'mapped', JSON.stringify({ type: fullType, time, ...rest })) : typeof id === 'number' ? String(id) : id;
  return { ...rest, specversion: specversion ?? '1.0', id: eventId, type: fullType, time: eventTime } as MappedEvent;
}

/**
 * Runs a compiled mapping over one delivery. The mapping gets the payload as its input and
 * `$source`, `$receivedAt` and `$headers` as variables; it returns one event object, an array of
 * them, or nothing (ignored).
 */
export async function runMapping(mapping: CompiledMapping, payload: unknown, input: MappingInput): Promise<MappingOutcome> {
  const headers = Object.fromEntries(Object.entries(input.headers ?? {}).filter(([name]) => !SECRET_HEADERS.has(name.toLowerCase())).map(([k, v]) => [k.toLowerCase(), v]));
  let output: unknown;
  try {
    output = await mapping.evaluate(payload, { source: input.source ?? '', receivedAt: input.receivedAt.toISOString(), headers });
  } catch (error) {
    return { status: 'failed', error: toMappingError(error, mapping.text) };
  }
  if (nestedDeeperThan(output, MAPPING_LIMITS.outputDepth)) {
    return { status: 'failed', error: { code: 'F0002', message: `The mapping returned a value nested deeper than ${MAPPING_LIMITS.outputDepth} levels; events are a few levels deep.` } };
  }
  // JSONata's sequences and null-prototype objects become plain JSON; functions disappear.
  const plain = output === undefined ? undefined : withoutBlanks(JSON.parse(JSON.stringify(output) ?? 'null'));
  const list = plain === undefined ? [] : Array.isArray(plain) ? plain.flat(Infinity) : [plain];
  if (list.length === 0) return { status: 'ignored', reason: NO_EVENT, ignored: [{ reason: NO_EVENT }] };
  const errors: FieldError[] = [];
  list.forEach((item, index) => {
    if (!isObject(item)) errors.push({ field: `events[${index}]`, message: `must be an event object, not ${Array.isArray(item) ? 'an array' : typeof item}` });
  });
  if (errors.length > 0) return { status: 'invalid', errors };
  return { status: 'mapped', events: (list as Json[]).map((item) => completeEvent(item, input)) };
}

export interface MappingTestReport {
  /** `ok` when every event is valid; otherwise what went wrong first. */
  status: 'ok' | 'ignored' | 'syntax_error' | 'failed' | 'invalid';
  /** The events as the gateway would publish them (valid ones only). */
  events: InboundEvent[];
  /** Contract violations, naming the event and the field (`events[0].data.case.id`). */
  errors: FieldError[];
  /** A mapping that does not compile, or threw. */
  error?: MappingError;
  ignored?: string;
}

/**
 * What `forewarn mapping test` prints: compiles the mapping, runs it over a sample payload and
 * validates every event with the same contract validation as the gateway.
 */
export async function testMapping(text: string, payload: unknown, input: MappingInput): Promise<MappingTestReport> {
  const compiled = compileMapping(text);
  if (!compiled.ok) return { status: 'syntax_error', events: [], errors: [], error: compiled.error };
  const outcome = await runMapping(compiled.mapping, payload, input);
  if (outcome.status === 'failed') return { status: 'failed', events: [], errors: [], error: outcome.error };
  if (outcome.status === 'ignored') return { status: 'ignored', events: [], errors: [], ignored: outcome.reason };
  if (outcome.status === 'invalid') return { status: 'invalid', events: [], errors: outcome.errors };
  const { events, errors } = validateMappedEvents(outcome.events, input);
  return { status: errors.length > 0 ? 'invalid' : 'ok', events, errors };
}

/** The gateway's validation of mapped events: `parseInboundEvent`, fields prefixed `events[i]`. */
export function validateMappedEvents(mapped: MappedEvent[], input: MappingInput): { events: InboundEvent[]; errors: FieldError[] } {
  const events: InboundEvent[] = [];
  const errors: FieldError[] = [];
  mapped.forEach((event, index) => {
    const result = parseInboundEvent(event, { source: `/sources/${input.source ?? 'mapping-test'}`, receivedAt: input.receivedAt }, `events[${index}]`);
    if (result.ok) events.push(result.value);
    else errors.push(...result.errors);
  });
  return { events, errors };
}

/**
 * Compiled mappings by text, so the gateway compiles a source's mapping once and picks up a new
 * one as soon as the source is re-read.
 */
export class MappingCache {
  private readonly compiled = new Map<string, ReturnType<typeof compileMapping>>();

  constructor(private readonly max = 200) {}

  get(text: string): ReturnType<typeof compileMapping> {
    const hit = this.compiled.get(text);
    if (hit) return hit;
    const result = compileMapping(text);
    if (this.compiled.size >= this.max) this.compiled.delete(this.compiled.keys().next().value as string);
    this.compiled.set(text, result);
    return result;
  }
}
