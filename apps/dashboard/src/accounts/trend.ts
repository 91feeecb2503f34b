const DAY_MS = 24 * 60 * 60 * 1000;

export interface ScorePoint {
  /** A `Date`, an ISO string, or epoch milliseconds. */
  at: Date | string | number;
  score: number;
}

/** An account nobody has complained about yet is healthy: full score. */
export const NO_HEALTH_SCORE = 100;

/**
 * The score at the end of each of the last `days` calendar days (UTC), oldest first, today last —
 * the 14-day trend of the overview. `history` holds the score changes in any order, including the
 * last change before the window (it carries into the first day). Today ends with `current`, the
 * score the account has now.
 */
export function dailyScores(history: readonly ScorePoint[], current: number | null, now: Date, days = 14): number[] {
  // Epoch milliseconds (the overview's case) need no Date.
  const changes = history.map((p) => ({ at: typeof p.at === 'number' ? p.at : new Date(p.at).getTime(), score: p.score })).sort((a, b) => a.at - b.at);
  const endOfToday = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + DAY_MS;
  const scores: number[] = [];
  let next = 0;
  let score = NO_HEALTH_SCORE;
  for (let i = days - 1; i >= 0; i--) {
    const dayEnd = endOfToday - i * DAY_MS;
    while (next < changes.length && changes[next].at < dayEnd) score = changes[next++].score;
    scores.push(score);
  }
  if (current !== null && scores.length > 0) scores[scores.length - 1] = current;
  return scores;
}

/** Where the window of `dailyScores` starts: the history query needs changes from here on, plus the one before. */
export function trendWindowStart(now: Date, days = 14): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (days - 1) * DAY_MS);
}
