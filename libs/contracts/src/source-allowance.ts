import { EVENT_TYPES, type EventType, type FieldError } from './inbound-events';

/**
 * What a source may say (CONTRACT.md, "Gateway HTTP API"): `cases` are `case.*` and `survey.*`,
 * `meetings` are `meeting.*`, `accounts` is `account.upserted` — who owns an account, and so who
 * gets its alerts. A helpdesk is for cases; it must not be able to re-own an account.
 */
export const ALLOWANCES = ['cases', 'meetings', 'accounts'] as const;
export type Allowance = (typeof ALLOWANCES)[number];

export const isAllowance = (value: string): value is Allowance => (ALLOWANCES as readonly string[]).includes(value);

function allowanceOfType(type: EventType): Allowance | null {
  if (type.startsWith('forewarn.case.') || type.startsWith('forewarn.survey.')) return 'cases';
  if (type.startsWith('forewarn.meeting.')) return 'meetings';
  if (type === 'forewarn.account.upserted') return 'accounts';
  return null;
}

const ALLOWANCE_OF = new Map(EVENT_TYPES.map((type) => [type, allowanceOfType(type)]));

/** The allowance an event type needs; null for a type no allowance covers, which no source may send. */
export const allowanceOf = (type: EventType): Allowance | null => ALLOWANCE_OF.get(type) ?? null;

/**
 * The events a source may not send, as field errors naming each one's type and where it is
 * (`fieldOf(index)`: `[2].type` in a batch, `type` for one event, `events[0].type` for a webhook).
 */
export function disallowedEvents(events: readonly { type: EventType }[], allow: readonly Allowance[], sourceName: string, fieldOf: (index: number) => string): FieldError[] {
  // Every allowance still leaves out the types no allowance covers (admin events such as account.reference_added).
  if (ALLOWANCES.every((a) => allow.includes(a)) && events.every((event) => ALLOWANCE_OF.get(event.type) !== null)) return [];
  const errors: FieldError[] = [];
  events.forEach((event, index) => {
    const needed = allowanceOf(event.type);
    if (needed === null) errors.push({ field: fieldOf(index), message: `${event.type} is not accepted from any source: only Forewarn's admin commands produce it` });
    else if (!allow.includes(needed)) {
      errors.push({ field: fieldOf(index), message: `${event.type} is not allowed for source "${sourceName}" (allows: ${allow.join(', ') || 'nothing'})` });
    }
  });
  return errors;
}

/**
 * The allowance of a source: what its kind can be for (`possible`), narrowed by `requested` (the
 * `--allow` list) but never widened beyond it. No request means everything its kind can be for.
 */
export function narrowAllowance(kind: string, possible: readonly Allowance[], requested?: readonly string[]): { ok: true; allow: Allowance[] } | { ok: false; message: string } {
  if (requested === undefined) return { ok: true, allow: [...possible] };
  const unknown = requested.filter((a) => !isAllowance(a));
  if (unknown.length > 0) return { ok: false, message: `--allow takes ${ALLOWANCES.join(', ')}, not "${unknown.join(', ')}"` };
  if (requested.length === 0) return { ok: false, message: `--allow needs at least one of ${possible.join(', ')}` };
  const beyond = requested.filter((a) => !possible.includes(a as Allowance));
  if (beyond.length > 0) {
    return { ok: false, message: `a ${kind} source can only be allowed ${possible.join(', ')}, not ${beyond.join(', ')}` };
  }
  // In the canonical order, each once.
  return { ok: true, allow: ALLOWANCES.filter((a) => requested.includes(a)) };
}

/** `cases,meetings` (blanks and case ignored) as a list; empty entries dropped. */
export const parseAllowList = (text: string): string[] => text.split(',').map((a) => a.trim().toLowerCase()).filter(Boolean);
