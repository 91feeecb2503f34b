import type { Evidence } from '@forewarn/contracts';
import type { CaseState } from './case-state';

/** Small helpers that turn facts into the words a rep would use. */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export const SEVERITY_WORD: Record<number, string> = { 1: 'critical', 2: 'high-severity', 3: 'medium-severity', 4: 'low-severity' };

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export const caseName = (c: Pick<CaseState, 'id' | 'title'>): string => (c.title ? `“${c.title}”` : `case ${c.id}`);

/** "45 minutes", "5 hours", "3 days", "2 weeks": rounded down, the way people say it. */
export function duration(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return plural(Math.max(1, minutes), 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return plural(hours, 'hour');
  const days = Math.floor(hours / 24);
  if (days < 14) return plural(days, 'day');
  return plural(Math.floor(days / 7), 'week');
}

/** "today", "yesterday", "3 days ago". */
export function ago(at: string, now: Date): string {
  const ms = now.getTime() - Date.parse(at);
  if (ms < DAY_MS) return ms < HOUR_MS ? 'just now' : `${duration(ms)} ago`;
  const days = Math.floor(ms / DAY_MS);
  return days === 1 ? 'yesterday' : `${days} days ago`;
}

/** "in 20 hours", "tomorrow", "in 3 days". */
export function inTime(at: number, now: Date): string {
  const ms = at - now.getTime();
  if (ms < 36 * HOUR_MS) return `in ${duration(ms)}`;
  return `in ${plural(Math.round(ms / DAY_MS), 'day')}`;
}

export const quoteOf = (text: string, max = 200): string => {
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1).trimEnd()}…` : clean;
};

export function caseEvidence(c: CaseState, extra: Partial<Evidence> = {}): Evidence {
  return {
    caseId: c.id,
    ...(c.title ? { title: c.title } : {}),
    ...(c.url ? { url: c.url } : {}),
    ...(c.openedAt ? { since: c.openedAt } : {}),
    ...extra,
  };
}

/** Names joined the way people list them: "Dana", "Dana and Sam", "Dana, Sam and 2 others". */
export function names(list: string[], max = 3): string {
  const unique = [...new Set(list)];
  if (unique.length <= 1) return unique[0] ?? '';
  if (unique.length <= max) return `${unique.slice(0, -1).join(', ')} and ${unique[unique.length - 1]}`;
  return `${unique.slice(0, max - 1).join(', ')} and ${plural(unique.length - max + 1, 'other')}`;
}
