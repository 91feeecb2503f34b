import type { FieldError } from './preferences-form';

/** The four preferences and the body keys that may give each (the JSON names, or the web form's). */
const FIELDS = {
  mode: ['mode'],
  quietHours: ['quietHours', 'quietStart', 'quietEnd'],
  timeZone: ['timeZone'],
  chat: ['chat', 'chatKind', 'chatUrl'],
} as const;
type Field = keyof typeof FIELDS;
const ALL = Object.keys(FIELDS) as Field[];

/** Preferences as they are stored and shown (`GET /api/me/preferences`). */
export interface CurrentPreferences {
  mode: 'immediate' | 'digest';
  quietHours: { start: string; end: string } | null;
  timeZone: string | null;
  chat: { kind: string; url: string } | null;
}

const given = (body: Record<string, unknown>, field: Field): boolean => FIELDS[field].some((key) => key in body);

/** `PUT` replaces every preference, so it must name every one (`null` clears quiet hours, the zone or chat). */
export function missingPreferences(body: Record<string, unknown>): FieldError[] {
  return ALL.filter((field) => !given(body, field)).map((field) => ({ field, message: 'is required (PUT replaces every preference; use PATCH to change some)' }));
}

/**
 * `PATCH`: the current preferences with only the given ones replaced, as a body for
 * `parsePreferences`; an error when it names none.
 */
export function patchPreferences(current: CurrentPreferences, body: Record<string, unknown>): { ok: true; body: Record<string, unknown> } | { ok: false; errors: FieldError[] } {
  const fields = ALL.filter((field) => given(body, field));
  if (fields.length === 0) return { ok: false, errors: [{ field: 'body', message: `must name at least one of ${ALL.join(', ')}` }] };
  const merged: Record<string, unknown> = { ...current };
  for (const field of fields) {
    for (const key of FIELDS[field]) delete merged[key];
    for (const key of FIELDS[field]) if (key in body) merged[key] = body[key];
  }
  return { ok: true, body: merged };
}
