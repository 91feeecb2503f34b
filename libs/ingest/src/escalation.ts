import { norm } from './common';

/**
 * Helpdesks without an escalation field mark escalations with tags or labels. Recognised:
 * `escalated`, `escalation` (level 1), `escalation_level_2`, `escalation-3`, `esc_2` (that level).
 * Undefined when the tags are unknown; 0 when they are known and none marks an escalation.
 */
export function escalationFromTags(tags: readonly string[] | undefined): number | undefined {
  if (!tags) return undefined;
  let level = 0;
  for (const raw of tags) {
    const tag = norm(raw);
    const numbered = /^(?:escalation(?: level)?|esc|escalated)\s?([0-3])$/.exec(tag);
    if (numbered) level = Math.max(level, Number(numbered[1]));
    else if (tag === 'escalated' || tag === 'escalation') level = Math.max(level, 1);
  }
  return level;
}

/** Tags as vendors send them: an array, or one space- or comma-separated string (`{{ticket.tags}}`). */
export function tagList(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.filter((t): t is string => typeof t === 'string' && t.trim() !== '').map((t) => t.trim());
  if (typeof value === 'string') {
    if (/^\{\{.*\}\}$/.test(value.trim())) return undefined;
    return value.split(/[\s,]+/).filter(Boolean);
  }
  return undefined;
}
