import { dailyScores, trendWindowStart } from './trend';

const now = new Date('2026-11-24T14:00:00Z');

describe('the 14-day trend of an account', () => {
  it('is a flat 100 for an account that never had a complaint', () => {
    expect(dailyScores([], null, now)).toEqual(Array(14).fill(100));
  });

  it('has one score per day, oldest first, ending with the score it has now', () => {
    const scores = dailyScores([{ at: '2026-11-22T09:00:00Z', score: 70 }, { at: '2026-11-24T10:00:00Z', score: 40 }], 40, now);
    expect(scores).toHaveLength(14);
    expect(scores.slice(-4)).toEqual([100, 70, 70, 40]);
  });

  it('carries a change from before the window into the first day', () => {
    const scores = dailyScores([{ at: '2026-10-01T00:00:00Z', score: 55 }], 55, now);
    expect(scores).toEqual(Array(14).fill(55));
  });

  it('takes the last change of a day as that day’s score, whatever order the history came in', () => {
    const scores = dailyScores([{ at: '2026-11-23T18:00:00Z', score: 80 }, { at: '2026-11-23T08:00:00Z', score: 30 }], 80, now, 3);
    expect(scores).toEqual([100, 80, 80]);
  });

  it('trusts the current score for today over the history', () => {
    expect(dailyScores([{ at: '2026-11-20T00:00:00Z', score: 60 }], 90, now, 2)).toEqual([60, 90]);
  });

  it('starts the window at midnight UTC thirteen days ago', () => {
    expect(trendWindowStart(now).toISOString()).toBe('2026-11-11T00:00:00.000Z');
  });
});
